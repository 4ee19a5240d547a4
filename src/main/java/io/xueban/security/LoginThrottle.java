package io.xueban.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Slows down password guessing, per username and per address: a few free failures, then a lock
 * that doubles with each further failure. A success clears the username's record; an address's
 * failures count within a sliding window, since successes of others behind the same address (a
 * school's network) must not wipe a guesser's trail. Kept in memory, so each app instance
 * throttles on its own; that is enough to make guessing impractical.
 */
@Component
class LoginThrottle {

    private final SecuritySettings.Throttle settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> addresses = new ConcurrentHashMap<>();

    LoginThrottle(SecuritySettings settings, Clock clock) {
        this.settings = settings.loginThrottle();
        this.clock = clock;
    }

    /** How long a sign-in for the username from the address must still wait, if either is locked now. */
    Optional<Duration> lockedFor(String username, String address) {
        Duration left = Duration.ZERO;
        for (Failures record : new Failures[] {failures.get(key(username)), addresses.get(address)}) {
            if (record != null && record.lockedUntil() != null) {
                Duration remaining = Duration.between(clock.instant(), record.lockedUntil());
                left = remaining.compareTo(left) > 0 ? remaining : left;
            }
        }
        return left.isPositive() ? Optional.of(left) : Optional.empty();
    }

    void failed(String username, String address) {
        Instant now = clock.instant();
        failures.compute(key(username), (key, record) -> {
            int count = record == null ? 1 : record.count() + 1;
            return new Failures(count, lock(count - settings.freeFailures(), now), now);
        });
        if (address != null && !address.isEmpty()) {
            addresses.compute(address, (key, record) -> {
                boolean fresh = record == null || record.since().plus(settings.addressWindow()).isBefore(now);
                int count = fresh ? 1 : record.count() + 1;
                return new Failures(count, lock(count - settings.addressFailures(), now), fresh ? now : record.since());
            });
        }
        if (failures.size() > 100_000 || addresses.size() > 100_000) {
            // A flood of made-up usernames or addresses must not grow memory without bound.
            failures.clear();
            addresses.clear();
        }
    }

    void succeeded(String username) {
        failures.remove(key(username));
    }

    private Instant lock(int over, Instant now) {
        if (over <= 0) {
            return null;
        }
        Duration lock = settings.baseLock().multipliedBy(1L << Math.min(over - 1, 20));
        return now.plus(lock.compareTo(settings.maxLock()) > 0 ? settings.maxLock() : lock);
    }

    private static String key(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }

    /** @param since when the first failure counted here happened */
    private record Failures(int count, Instant lockedUntil, Instant since) {
    }
}
