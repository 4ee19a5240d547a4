package io.xueban.system;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Bounds the requests that prepare work for the model at once (database reads and writes, the
 * prompt) to what the connection pool and the cores can serve. Under a burst, requests wait here
 * briefly and in order instead of queuing for a database connection and failing after the pool's
 * timeout; one that would wait longer, or finds too many ahead of it, is refused at once with 429
 * and a Retry-After. Only preparation passes through: nobody holds a permit while a model works.
 */
@Component
public class RequestDoor {

    /** {@code xueban.http.door.*}: requests prepared at once, how many may wait, and for how long. */
    @ConfigurationProperties("xueban.http.door")
    record Settings(@DefaultValue("6") int permits, @DefaultValue("400") int maxWaiting,
            @DefaultValue("2s") Duration maxWait) {
    }

    private final Settings settings;
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Mean time a request holds a permit, in nanoseconds (moving average), for Retry-After. */
    private volatile double meanHoldNanos = 5_000_000;

    RequestDoor(Settings settings) {
        this.settings = settings;
        this.permits = new Semaphore(Math.max(1, settings.permits()), true);
    }

    /** Runs {@code work} once a permit is free; throws a 429 {@link ApiException} when it would wait too long. */
    public <T> T pass(Supplier<T> work) {
        if (!permits.tryAcquire()) {
            if (waiting.incrementAndGet() > settings.maxWaiting()) {
                waiting.decrementAndGet();
                throw busy();
            }
            boolean acquired;
            try {
                acquired = permits.tryAcquire(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acquired = false;
            } finally {
                waiting.decrementAndGet();
            }
            if (!acquired) {
                throw busy();
            }
        }
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            permits.release();
            meanHoldNanos += 0.05 * ((System.nanoTime() - start) - meanHoldNanos);
        }
    }

    /** Requests waiting for a permit now (for metrics and tests). */
    public int waiting() {
        return waiting.get();
    }

    private ApiException busy() {
        double seconds = (waiting.get() + 1) * meanHoldNanos / Math.max(1, settings.permits()) / 1e9;
        long retryAfter = Math.max(1, (long) Math.ceil(seconds));
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "server-busy", retryAfter)
                .with("retryAfterSeconds", retryAfter);
    }
}
