package io.xueban.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.xueban.system.Db;
import io.xueban.system.Hashes;

/**
 * The browsers an account has signed in from: a random, HTTP-only cookie set at a successful
 * sign-in and stored hashed per account. While failed guesses throttle an account or an address,
 * the right password from one of the account's known browsers still signs in, so a classmate
 * cannot lock a teacher out.
 */
@Component
class KnownDevices {

    static final String COOKIE = "xueban_device";
    static final Duration LIFETIME = Duration.ofDays(180);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    KnownDevices(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The device cookie the request carries, or null. */
    static String presented(HttpServletRequest request) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie cookie : request.getCookies()) {
            if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isBlank() && cookie.getValue().length() <= 100) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** Whether the browser that sent {@code device} has signed in to the account before. */
    boolean known(String username, String device) {
        if (device == null || username == null) {
            return false;
        }
        return jdbc.sql("""
                        SELECT COUNT(*) FROM known_device d JOIN app_user u ON u.id = d.user_id
                        WHERE LOWER(u.username) = LOWER(?) AND d.device_hash = ?""")
                .params(username.strip(), Hashes.sha256(device)).query(Integer.class).single() > 0;
    }

    /** After a successful sign-in: the browser is known to the account from now on (a cookie is set if it had none). */
    void remember(long userId, HttpServletRequest request, HttpServletResponse response) {
        String device = presented(request);
        if (device == null) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            device = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        String hash = Hashes.sha256(device);
        var now = Db.utc(clock.instant());
        if (jdbc.sql("UPDATE known_device SET last_used_at = ? WHERE user_id = ? AND device_hash = ?")
                .params(now, userId, hash).update() == 0) {
            jdbc.sql("INSERT INTO known_device (user_id, device_hash, created_at, last_used_at) VALUES (?, ?, ?, ?)")
                    .params(userId, hash, now, now).update();
        }
        response.addHeader("Set-Cookie", ResponseCookie.from(COOKIE, device).httpOnly(true).secure(request.isSecure())
                .sameSite("Lax").path("/").maxAge(LIFETIME).build().toString());
    }
}
