package io.xueban.security;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where a password sign-in comes from, kept as the authentication's details: the client's address
 * (as the servlet container sees it, behind a proxy the forwarded one) and its device cookie.
 */
record LoginAttempt(String address, String device) {

    static final LoginAttempt UNKNOWN = new LoginAttempt("", null);

    static LoginAttempt of(HttpServletRequest request) {
        return new LoginAttempt(request.getRemoteAddr(), KnownDevices.presented(request));
    }
}
