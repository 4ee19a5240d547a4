package io.xueban.school;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/**
 * Large roster imports as background jobs: checked in the request (every bad row listed, nothing
 * written), then hashed and written one job at a time while the admin watches the progress. All
 * of a file or none of it is written; a job's record (with the initial passwords) is kept in
 * memory for {@link #KEPT} after it ends, and lost if the server restarts before then.
 */
@Component
class RosterImports {

    private static final Logger log = LoggerFactory.getLogger(RosterImports.class);

    /** Files up to this many rows are imported within the request. */
    static final int IN_REQUEST_ROWS = 500;
    static final Duration KEPT = Duration.ofHours(1);

    enum State { WAITING, HASHING, WRITING, DONE, FAILED }

    /**
     * What an admin sees of an import.
     *
     * @param problem why it failed, in the admin's language
     */
    record Job(String id, State state, int rows, int hashed, Instant startedAt, Instant finishedAt,
            RosterImport.Result result, String problem) {
    }

    private static final class Running {
        final String id = UUID.randomUUID().toString();
        final long schoolId;
        final int rows;
        final Instant startedAt;
        final AtomicInteger hashed = new AtomicInteger();
        volatile State state = State.WAITING;
        volatile Instant finishedAt;
        volatile RosterImport.Result result;
        volatile String problem;

        Running(long schoolId, int rows, Instant startedAt) {
            this.schoolId = schoolId;
            this.rows = rows;
            this.startedAt = startedAt;
        }

        Job view() {
            return new Job(id, state, rows, hashed.get(), startedAt, finishedAt, result, problem);
        }
    }

    private final RosterImport rosterImport;
    private final MessageSource messages;
    private final Clock clock;
    private final Map<String, Running> jobs = new ConcurrentHashMap<>();
    /** One import at a time on this instance; the others wait their turn. */
    private final ExecutorService runner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("roster-import").factory());

    RosterImports(RosterImport rosterImport, MessageSource messages, Clock clock) {
        this.rosterImport = rosterImport;
        this.messages = messages;
        this.clock = clock;
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }

    /** Starts a checked plan as a job; returns it as it is now. */
    Job start(CurrentUser admin, RosterImport.Plan plan) {
        forgetOld();
        Locale locale = LocaleContextHolder.getLocale();
        Running job = new Running(admin.schoolId(), plan.rows(), clock.instant());
        jobs.put(job.id, job);
        runner.execute(() -> run(admin, plan, job, locale));
        return job.view();
    }

    /** A job of the school, if it is still kept. */
    Optional<Job> find(long schoolId, String id) {
        Running job = jobs.get(id);
        return job == null || job.schoolId != schoolId ? Optional.empty() : Optional.of(job.view());
    }

    private void run(CurrentUser admin, RosterImport.Plan plan, Running job, Locale locale) {
        try {
            job.state = State.HASHING;
            List<String> hashes = rosterImport.hash(plan, job.hashed::incrementAndGet);
            job.state = State.WRITING;
            job.result = rosterImport.write(admin, plan, hashes);
            job.state = State.DONE;
        } catch (ApiException e) {
            // The school changed while the file was being hashed (a username taken meanwhile, say).
            job.problem = messages.getMessage("problem." + e.code(), e.args(), e.code(), locale);
            job.state = State.FAILED;
        } catch (RuntimeException e) {
            log.error("Roster import {} of school {} failed", job.id, job.schoolId, e);
            job.problem = messages.getMessage("problem.roster-import-failed", null, locale);
            job.state = State.FAILED;
        } finally {
            job.finishedAt = clock.instant();
        }
    }

    private void forgetOld() {
        Instant cutoff = clock.instant().minus(KEPT);
        jobs.values().removeIf(job -> job.finishedAt != null && job.finishedAt.isBefore(cutoff));
    }
}
