package io.xueban.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Slows down password guessing per username: a few free failures, then a lock that doubles with
 * each further failure. A success clears the record. Kept in memory, so each app instance
 * throttles on its own; that is enough to make guessing impractical.
 */
@Component
class LoginThrottle {

    private final SecuritySettings.Throttle settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

    LoginThrottle(SecuritySettings settings, Clock clock) {
        this.settings = settings.loginThrottle();
        this.clock = clock;
    }

    /** How long the username must still wait, if it is locked now. */
    Optional<Duration> lockedFor(String username) {
        Failures record = failures.get(key(username));
        if (record == null || record.lockedUntil == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), record.lockedUntil);
        return left.isPositive() ? Optional.of(left) : Optional.empty();
    }

    void failed(String username) {
        failures.compute(key(username), (key, record) -> {
            int count = record == null ? 1 : record.count + 1;
            int over = count - settings.freeFailures();
            Instant lockedUntil = null;
            if (over > 0) {
                Duration lock = settings.baseLock().multipliedBy(1L << Math.min(over - 1, 20));
                lockedUntil = clock.instant().plus(lock.compareTo(settings.maxLock()) > 0 ? settings.maxLock() : lock);
            }
            return new Failures(count, lockedUntil);
        });
        if (failures.size() > 100_000) {
            // A flood of made-up usernames must not grow memory without bound.
            failures.clear();
        }
    }

    void succeeded(String username) {
        failures.remove(key(username));
    }

    private static String key(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }

    private record Failures(int count, Instant lockedUntil) {
    }
}
