package io.xueban.safety;

import java.time.Clock;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.xueban.system.Db;

/**
 * Delivery inside the app: a notification the recipient sees on their next visit (in Chinese,
 * the school's language), at most one per outbox row however often delivery is tried.
 */
@Component
class InAppChannel {

    private final JdbcClient jdbc;
    private final MessageSource messages;
    private final Clock clock;

    InAppChannel(JdbcClient jdbc, MessageSource messages, Clock clock) {
        this.jdbc = jdbc;
        this.messages = messages;
        this.clock = clock;
    }

    void deliver(AlertDelivery.Pending row) {
        String text = jdbc.sql("""
                        SELECT u.display_name, a.category, a.excerpt FROM alert a JOIN app_user u ON u.id = a.student_id
                        WHERE a.id = ?""")
                .param(row.alertId())
                .query((rs, n) -> messages.getMessage("safety.notification", new Object[] {rs.getString(1),
                        messages.getMessage("safety.category." + rs.getString(2), null, Locale.SIMPLIFIED_CHINESE),
                        rs.getString(3)}, Locale.SIMPLIFIED_CHINESE))
                .single();
        jdbc.sql("""
                        INSERT INTO notification (school_id, user_id, alert_id, outbox_id, text, created_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(row.schoolId(), row.recipientId(), row.alertId(), row.id(), text, Db.utc(clock.instant()))
                .update();
    }
}
