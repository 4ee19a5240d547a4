package io.xueban.safety;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.xueban.system.Db;

/**
 * Delivers what the outbox holds, again and again until it is delivered: each row in its own
 * transaction with its delivery, so a crash in between means it is delivered (once: notifications
 * are unique per outbox row) on the next round, never lost. Failures wait longer each time, up to
 * five minutes.
 */
@Service
class AlertDelivery implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertDelivery.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    record Pending(long id, long schoolId, long alertId, long recipientId, String channel, int attempts) {
    }

    private final JdbcClient jdbc;
    private final InAppChannel inApp;
    private final EmailChannel email;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Duration interval;
    private volatile ScheduledExecutorService scheduler;

    AlertDelivery(JdbcClient jdbc, InAppChannel inApp, EmailChannel email, PlatformTransactionManager transactions,
            Clock clock,
            @Value("${xueban.safety.delivery-interval:1s}") Duration interval) {
        this.jdbc = jdbc;
        this.interval = interval;
        this.inApp = inApp;
        this.email = email;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** Delivers every row that is due; returns how many were delivered. */
    int deliverDue() {
        List<Pending> due = jdbc.sql("""
                        SELECT id, school_id, alert_id, recipient_id, channel, attempts FROM outbox
                        WHERE status = 'PENDING' AND next_attempt <= ? ORDER BY id LIMIT 100""")
                .param(Db.utc(now()))
                .query((rs, n) -> new Pending(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                        rs.getInt(6)))
                .list();
        int delivered = 0;
        for (Pending row : due) {
            try {
                Boolean done = transaction.execute(status -> {
                    // Another instance may have delivered it meanwhile.
                    String current = jdbc.sql("SELECT status FROM outbox WHERE id = ? FOR UPDATE").param(row.id())
                            .query(String.class).optional().orElse("DELIVERED");
                    if (!current.equals("PENDING")) {
                        return false;
                    }
                    if (row.channel().equals("EMAIL")) {
                        email.deliver(row);
                    } else {
                        inApp.deliver(row);
                    }
                    jdbc.sql("UPDATE outbox SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = ? WHERE id = ?")
                            .params(Db.utc(now()), row.id()).update();
                    return true;
                });
                if (Boolean.TRUE.equals(done)) {
                    delivered++;
                }
            } catch (RuntimeException e) {
                long wait = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(20, row.attempts() + 1));
                log.warn("Alert {} could not be delivered to user {} (attempt {}); trying again in {} s",
                        row.alertId(), row.recipientId(), row.attempts() + 1, wait, e);
                jdbc.sql("UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, last_error = ? WHERE id = ?")
                        .params(Db.utc(now().plusSeconds(wait)), String.valueOf(e.getMessage()).substring(0,
                                Math.min(500, String.valueOf(e.getMessage()).length())), row.id())
                        .update();
            }
        }
        return delivered;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("alert-delivery").daemon().factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                deliverDue();
            } catch (RuntimeException e) {
                log.warn("Alert delivery round failed; the next one tries again", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = scheduler;
        scheduler = null;
        if (running != null) {
            running.shutdown();
            try {
                running.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
