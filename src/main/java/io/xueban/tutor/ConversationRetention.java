package io.xueban.tutor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

import io.xueban.safety.SafetySettings;
import io.xueban.safety.SafetySettingsStore;

/**
 * Deletes conversations older than their school's retention period (untouched for that long),
 * with their messages: at start and every hour. Alerts stay, with their excerpt: they are the
 * record of what the school was told.
 */
@Service
class ConversationRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConversationRetention.class);
    static final Duration INTERVAL = Duration.ofHours(1);

    private final ConversationStore store;
    private final SafetySettingsStore safety;
    private final Clock clock;
    private volatile ScheduledExecutorService scheduler;

    ConversationRetention(ConversationStore store, SafetySettingsStore safety, Clock clock) {
        this.store = store;
        this.safety = safety;
        this.clock = clock;
    }

    /** Purges as of {@code now}; returns how many conversations went. */
    int purge(Instant now) {
        int purged = 0;
        for (Map.Entry<Long, SafetySettings> school : safety.all().entrySet()) {
            purged += store.purge(school.getKey(), now.minus(Duration.ofDays(school.getValue().retentionDays())));
        }
        if (purged > 0) {
            log.info("Retention: {} conversations past their school's retention period deleted", purged);
        }
        return purged;
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("retention").daemon().factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                purge(clock.instant());
            } catch (RuntimeException e) {
                log.warn("Retention round failed; the next one tries again", e);
            }
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = scheduler;
        scheduler = null;
        if (running != null) {
            running.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
