package io.xueban.security;

import java.io.IOException;
import java.time.Clock;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.system.ApiException;
import io.xueban.system.Db;
import io.xueban.system.Problems;

/**
 * Changing one's own password: the current one is asked for (and guessing it is throttled like a
 * sign-in), the new one must meet {@link PasswordRules}, and every other session and token of the
 * account ends, this session going on. A password someone else chose (an admin's, a roster's) is
 * changed at the first sign-in in the browser: until then, {@link Gate} lets the session reach only
 * the change-password page and what it needs.
 */
@RestController
class PasswordChange {

    /** The session attribute of a session that must change its password before anything else. */
    static final String REQUIRED = PasswordChange.class.getName() + ".required";
    static final String PAGE = "/account/password";

    record Change(@NotBlank @Size(max = PasswordRules.MAX) String currentPassword,
            @NotBlank @Size(max = PasswordRules.MAX) String newPassword) {
    }

    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final PasswordRules rules;
    private final LoginThrottle throttle;
    private final SignOuts signOuts;
    private final Clock clock;

    PasswordChange(Accounts accounts, PasswordEncoder passwords, PasswordRules rules, LoginThrottle throttle,
            SignOuts signOuts, Clock clock) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.rules = rules;
        this.throttle = throttle;
        this.signOuts = signOuts;
        this.clock = clock;
    }

    @PostMapping("/api/me/password")
    @Operation(summary = "Change my password (the current one, then the new one); every other session and token of "
            + "the account ends")
    ResponseEntity<Void> change(CurrentUser me, @Valid @RequestBody Change change, HttpServletRequest request) {
        String address = LoginAttempt.of(request).address();
        throttle.lockedFor(me.username(), address).ifPresent(wait -> {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "login-throttled", Math.max(1, wait.toSeconds()))
                    .with("retryAfterSeconds", Math.max(1, wait.toSeconds()));
        });
        Accounts.Account account = accounts.findById(me.id()).orElseThrow(() -> ApiException.notFound("user", me.id()));
        if (!passwords.matches(change.currentPassword(), account.passwordHash())) {
            throttle.failed(me.username(), address);
            throw ApiException.badRequest("password-wrong");
        }
        throttle.succeeded(me.username());
        if (change.newPassword().equals(change.currentPassword())) {
            throw ApiException.badRequest("password-unchanged");
        }
        rules.check(change.newPassword(), me.role(), me.username());
        accounts.changeOwnPassword(me.id(), passwords.encode(change.newPassword()));
        HttpSession session = request.getSession(false);
        if (session != null && !BearerTokenFilter.hasBearerToken(request)) {
            // Signed in again as of now: the sign-out of every other session does not end this one.
            Db.afterCommit(() -> {
                session.removeAttribute(REQUIRED);
                signOuts.signedIn(session);
            });
        }
        return ResponseEntity.noContent().build();
    }

    /** Marks a session that has just signed in with a password chosen for its owner. */
    void signedIn(HttpSession session, long userId) {
        if (accounts.findById(userId).map(Accounts.Account::passwordChangeRequired).orElse(false)) {
            session.setAttribute(REQUIRED, clock.instant());
        }
    }

    /** A session that must change its password reaches that page and what it needs; pages lead there, the API says so. */
    static final class Gate extends OncePerRequestFilter {

        private static final Set<String> OPEN = Set.of(PAGE, "/api/me/password", "/api/me", "/logout", "/login", "/error",
                "/favicon.ico");

        private final Problems problems;
        private final RequestMatcher api;

        Gate(Problems problems, RequestMatcher api) {
            this.problems = problems;
            this.api = api;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            if (BearerTokenFilter.hasBearerToken(request) || !CurrentUser.passwordChangeRequired(request.getSession(false))
                    || OPEN.contains(path) || path.startsWith("/css/") || path.startsWith("/js/")
                    || path.startsWith("/webjars/")) {
                chain.doFilter(request, response);
            } else if (api.matches(request)) {
                problems.write(request, response, HttpStatus.FORBIDDEN, "password-change-required");
            } else {
                response.sendRedirect(PAGE);
            }
        }
    }
}
