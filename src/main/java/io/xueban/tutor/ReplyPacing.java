package io.xueban.tutor;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

/**
 * How often a streaming reply reaches its client. A model server sends a token every 30–60 ms
 * to each of its calls; writing each one on its own costs a system call, a flush and a wake-up
 * of the connection, which at lesson scale is most of what the app spends on a reply. Tokens
 * that come sooner than the interval after the last write wait for it and go out together (a
 * student reads far slower than ten writes a second); the first token always goes at once.
 */
@Component
final class ReplyPacing implements AutoCloseable {

    /** Every token written as it comes: for callers that do not stream to a client. */
    static final ReplyPacing EACH_TOKEN = new ReplyPacing(new TutorSettings(Duration.ZERO));

    private final long intervalNanos;
    private final ScheduledExecutorService timer;
    /**
     * Platform threads, as the gateway reads replies on: the OS runs a due write at once, even
     * while the virtual threads' carrier is busy with a burst of new requests; a slow client
     * holds up only its own write.
     */
    private final ExecutorService writers;

    ReplyPacing(TutorSettings settings) {
        this.intervalNanos = settings.streamInterval().toNanos();
        this.timer = intervalNanos == 0 ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("reply-pacing").factory());
        this.writers = intervalNanos == 0 ? null : Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("reply-write-", 0).factory());
    }

    long intervalNanos() {
        return intervalNanos;
    }

    /** Runs {@code write} after {@code delayNanos} (never asked with no interval: every write is then due at once). */
    void later(Runnable write, long delayNanos) {
        timer.schedule(() -> writers.execute(write), delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            writers.shutdownNow();
        }
    }
}
