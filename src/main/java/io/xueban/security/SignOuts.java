package io.xueban.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.xueban.system.Db;
import io.xueban.system.Problems;

/**
 * Signing a user out everywhere: a new password, a disabled account or an admin's sign-out
 * revokes their tokens ({@link ApiTokens}) and stamps the account, and a browser session that
 * signed in before the stamp ends at its next request (the API says so in problem+json, pages
 * go to the login page). The stamp is in the database, so every instance ends its sessions; each
 * instance remembers it for a few seconds per user, and at once after a change it made itself.
 */
@Component
class SignOuts {

    /** The session attribute that holds when the session signed in. */
    static final String SIGNED_IN_AT = SignOuts.class.getName() + ".signedInAt";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final long cacheNanos;
    private final ConcurrentHashMap<Long, Stamp> stamps = new ConcurrentHashMap<>();

    private record Stamp(Optional<Instant> signedOutAt, long validUntilNanos) {
    }

    SignOuts(JdbcClient jdbc, Clock clock, SecuritySettings settings) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.cacheNanos = settings.tokenCacheTtl().toNanos();
    }

    /** Within the change's transaction: the account is stamped; this instance forgets it after the commit. */
    @EventListener
    void onAccountChanged(AccountChanged event) {
        if (event.signOut()) {
            jdbc.sql("UPDATE app_user SET signed_out_at = ? WHERE id = ?").params(Db.utc(clock.instant()), event.userId())
                    .update();
        }
        Db.afterCommit(() -> stamps.remove(event.userId()));
    }

    /** Marks the session as signed in now (a successful form login). */
    void signedIn(HttpSession session) {
        session.setAttribute(SIGNED_IN_AT, clock.instant());
    }

    /** Whether a session that signed in at {@code signedInAt} has been ended since. */
    boolean ended(long userId, Instant signedInAt) {
        long now = System.nanoTime();
        Stamp stamp = stamps.get(userId);
        if (stamp == null || stamp.validUntilNanos() < now) {
            Optional<Instant> signedOutAt = jdbc.sql("SELECT signed_out_at FROM app_user WHERE id = ?").param(userId)
                    .query((rs, n) -> Optional.ofNullable(Db.instant(rs, "signed_out_at"))).optional()
                    .orElse(Optional.of(Instant.MAX));
            if (stamps.size() > 100_000) {
                stamps.clear(); // bounded memory; the next requests look their users up again
            }
            stamp = new Stamp(signedOutAt, now + cacheNanos);
            stamps.put(userId, stamp);
        }
        return stamp.signedOutAt().isPresent() && (signedInAt == null || !signedInAt.isAfter(stamp.signedOutAt().get()));
    }

    /** Ends, at their next request, the browser sessions of users who were signed out since they signed in. */
    static final class Filter extends OncePerRequestFilter {

        private final SignOuts signOuts;
        private final Problems problems;
        private final RequestMatcher api;

        Filter(SignOuts signOuts, Problems problems, RequestMatcher api) {
            this.signOuts = signOuts;
            this.problems = problems;
            this.api = api;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            HttpSession session = request.getSession(false);
            Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
            if (session != null && !BearerTokenFilter.hasBearerToken(request) && authentication != null
                    && authentication.getPrincipal() instanceof AccountDetails details
                    && signOuts.ended(details.user().id(), (Instant) session.getAttribute(SIGNED_IN_AT))) {
                session.invalidate();
                SecurityContextHolder.clearContext();
                if (api.matches(request)) {
                    problems.write(request, response, HttpStatus.UNAUTHORIZED, "session-ended");
                } else {
                    response.sendRedirect("/login?ended");
                }
                return;
            }
            chain.doFilter(request, response);
        }
    }
}
