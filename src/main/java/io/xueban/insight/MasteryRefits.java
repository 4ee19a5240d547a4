package io.xueban.insight;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.xueban.system.ApiException;

/**
 * The refits of each school's mastery model, one at a time per school, and what became of the
 * latest: waiting (a recompute is due, as after an upgrade of the model), running, done or failed.
 * Kept in memory: after a restart, the state of the school's model tells what was done.
 */
@Component
class MasteryRefits {

    enum State { WAITING, RUNNING, DONE, FAILED }

    /** Why a refit runs: the stored states predate the model, or an admin asked. */
    enum Reason { MODEL_UPGRADE, ADMIN }

    /** @param refit what it did, once done */
    record Status(State state, Reason reason, Instant startedAt, Instant finishedAt, MasteryService.Refit refit) {
    }

    private final MasteryService mastery;
    private final Clock clock;
    private final Map<Long, Status> statuses = new ConcurrentHashMap<>();

    MasteryRefits(MasteryService mastery, Clock clock) {
        this.mastery = mastery;
        this.clock = clock;
    }

    /** Marks the school's states as due for a recompute. */
    void due(long schoolId, Reason reason) {
        statuses.putIfAbsent(schoolId, new Status(State.WAITING, reason, null, null, null));
    }

    /** Refits the school's model now, unless a refit of it is running already (409). */
    MasteryService.Refit run(long schoolId, Reason reason) {
        Status running = new Status(State.RUNNING, reason, clock.instant(), null, null);
        Status before = statuses.get(schoolId);
        boolean started = before == null ? statuses.putIfAbsent(schoolId, running) == null
                : before.state() != State.RUNNING && statuses.replace(schoolId, before, running);
        if (!started) {
            throw ApiException.conflict("mastery-refit-running");
        }
        try {
            MasteryService.Refit refit = mastery.refit(schoolId);
            statuses.put(schoolId, new Status(State.DONE, reason, running.startedAt(), clock.instant(), refit));
            return refit;
        } catch (RuntimeException e) {
            statuses.put(schoolId, new Status(State.FAILED, reason, running.startedAt(), clock.instant(), null));
            throw e;
        }
    }

    /** The latest refit of the school since start-up, or null. */
    Status of(long schoolId) {
        return statuses.get(schoolId);
    }
}
