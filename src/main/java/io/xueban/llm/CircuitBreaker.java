package io.xueban.llm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops sending calls to a backend that keeps failing: open after {@code threshold} failures in
 * a row, closed again by the first success after {@code openFor} (one trial call at a time).
 * Guarded by the gateway's lock.
 */
final class CircuitBreaker {

    private final int threshold;
    private final Duration openFor;
    private final Clock clock;
    private int failuresInARow;
    private Instant openUntil;
    private boolean trialRunning;

    CircuitBreaker(int threshold, Duration openFor, Clock clock) {
        this.threshold = threshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Whether a call may go out now; in the half-open state only one trial call may. */
    boolean allows() {
        if (openUntil == null) {
            return true;
        }
        if (clock.instant().isBefore(openUntil) || trialRunning) {
            return false;
        }
        return true;
    }

    void started() {
        if (openUntil != null) {
            trialRunning = true;
        }
    }

    void succeeded() {
        failuresInARow = 0;
        openUntil = null;
        trialRunning = false;
    }

    void failed() {
        trialRunning = false;
        failuresInARow++;
        if (failuresInARow >= threshold) {
            openUntil = clock.instant().plus(openFor);
        }
    }

    /** A call that ended without telling anything about the backend (the client cancelled). */
    void abandoned() {
        trialRunning = false;
    }

    boolean isOpen() {
        return openUntil != null && clock.instant().isBefore(openUntil);
    }
}
