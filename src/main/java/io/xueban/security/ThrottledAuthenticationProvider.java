package io.xueban.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Password login (form and token endpoint alike), refused early while the username or the address
 * is throttled, unless the browser is one the account has signed in from before.
 */
class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final LoginThrottle throttle;
    private final KnownDevices devices;

    ThrottledAuthenticationProvider(AuthenticationProvider passwords, LoginThrottle throttle, KnownDevices devices) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.devices = devices;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName();
        LoginAttempt attempt = authentication.getDetails() instanceof LoginAttempt known ? known : LoginAttempt.UNKNOWN;
        var locked = throttle.lockedFor(username, attempt.address());
        if (locked.isPresent() && !devices.known(username, attempt.device())) {
            throw new LoginThrottledException(locked.get());
        }
        try {
            Authentication result = passwords.authenticate(authentication);
            throttle.succeeded(username);
            return result;
        } catch (BadCredentialsException e) {
            throttle.failed(username, attempt.address());
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
