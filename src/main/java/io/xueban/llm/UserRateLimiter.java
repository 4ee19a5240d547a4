package io.xueban.llm;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per user: {@code perMinute} calls a minute, refilled continuously, with a
 * burst of the same size. Kept in memory per app instance.
 */
final class UserRateLimiter {

    private final int perMinute;
    private final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();

    UserRateLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    /** Seconds until the user may make a call (0: now), taking nothing from the bucket. */
    long waitSeconds(long userId) {
        Bucket bucket = buckets.get(userId);
        if (perMinute <= 0 || bucket == null) {
            return 0;
        }
        Bucket now = bucket.refill(System.nanoTime(), perMinute);
        return now.tokens >= 1 ? 0 : (long) Math.ceil((1 - now.tokens) * 60.0 / perMinute);
    }

    /** Takes one call from the user's bucket: 0 if allowed, otherwise seconds until it would be. */
    long acquire(long userId) {
        if (perMinute <= 0) {
            return 0;
        }
        long now = System.nanoTime();
        long[] wait = new long[1];
        buckets.compute(userId, (id, bucket) -> {
            Bucket b = bucket == null ? new Bucket(perMinute, now) : bucket.refill(now, perMinute);
            if (b.tokens >= 1) {
                return new Bucket(b.tokens - 1, now);
            }
            wait[0] = (long) Math.ceil((1 - b.tokens) * 60.0 / perMinute);
            return b;
        });
        if (buckets.size() > 200_000) {
            buckets.clear(); // bounded memory; a reset only ever lets calls through
        }
        return wait[0];
    }

    private record Bucket(double tokens, long atNanos) {

        Bucket refill(long now, int perMinute) {
            double added = (now - atNanos) / 60e9 * perMinute;
            return new Bucket(Math.min(perMinute, tokens + added), now);
        }
    }
}
