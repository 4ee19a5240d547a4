package io.xueban.safety;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.system.Db;

/**
 * Alerts about a student's message for the adults responsible: the teachers of the student's
 * classes, and the school's admins when the school opted in. An alert and its deliveries (the
 * outbox: in-app, and by e-mail to those with an address when a mail server is configured) are
 * written in the transaction that stores the message, so there is no moment when the message
 * exists and its alert could still be lost; {@link AlertDelivery} does the rest.
 */
@Service
public class Alerts {

    record Alert(long id, long studentId, String studentName, Long messageId, Category category,
            Category.Severity severity, String excerpt, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final SafetySettingsStore settings;
    private final EmailChannel email;
    private final Clock clock;

    Alerts(JdbcClient jdbc, SafetySettingsStore settings, EmailChannel email, Clock clock) {
        this.jdbc = jdbc;
        this.email = email;
        this.settings = settings;
        this.clock = clock;
    }

    /** Writes the alert and one outbox row per recipient; must join the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public long raise(long schoolId, long studentId, Long messageId, Category category, String text) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String excerpt = text.length() <= 200 ? text : text.substring(0, 200) + "…";
        long alert = Db.insert(jdbc, """
                        INSERT INTO alert (school_id, student_id, message_id, category, severity, excerpt, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""",
                schoolId, studentId, messageId, category.name(), category.severity().name(), excerpt, Db.utc(now));
        boolean mail = email.enabled();
        for (long recipient : recipients(schoolId, studentId)) {
            outbox(schoolId, alert, recipient, "IN_APP", now);
            if (mail && jdbc.sql("SELECT email IS NOT NULL FROM app_user WHERE id = ?").param(recipient)
                    .query(Boolean.class).single()) {
                outbox(schoolId, alert, recipient, "EMAIL", now);
            }
        }
        return alert;
    }

    private void outbox(long schoolId, long alert, long recipient, String channel, Instant now) {
        jdbc.sql("""
                        INSERT INTO outbox (school_id, alert_id, recipient_id, channel, status, attempts, next_attempt)
                        VALUES (?, ?, ?, ?, 'PENDING', 0, ?)""")
                .params(schoolId, alert, recipient, channel, Db.utc(now))
                .update();
    }

    /** The teachers of the student's classes, and the admins when the school asked for it. */
    Set<Long> recipients(long schoolId, long studentId) {
        Set<Long> recipients = new LinkedHashSet<>(jdbc.sql("""
                        SELECT DISTINCT t.teacher_id FROM teaching_assignment t JOIN enrolment e ON e.class_id = t.class_id
                        WHERE e.student_id = ? ORDER BY t.teacher_id""")
                .param(studentId).query(Long.class).list());
        if (settings.of(schoolId).alertAdmins() || recipients.isEmpty()) {
            // A student nobody teaches yet still has adults responsible: the admins.
            recipients.addAll(jdbc.sql("SELECT id FROM app_user WHERE school_id = ? AND role = 'ADMIN' ORDER BY id")
                    .param(schoolId).query(Long.class).list());
        }
        return recipients;
    }

    /** Alerts about the students a teacher teaches (an admin: the whole school), newest first. */
    List<Alert> visibleTo(long schoolId, Long teacherId, int limit) {
        return jdbc.sql("""
                        SELECT a.*, u.display_name FROM alert a JOIN app_user u ON u.id = a.student_id
                        WHERE a.school_id = ? AND (CAST(? AS BIGINT) IS NULL OR a.student_id IN (
                            SELECT e.student_id FROM enrolment e JOIN teaching_assignment t ON t.class_id = e.class_id
                            WHERE t.teacher_id = ?))
                        ORDER BY a.created_at DESC, a.id DESC LIMIT ?""")
                .params(schoolId, teacherId, teacherId, limit)
                .query((rs, n) -> new Alert(rs.getLong("id"), rs.getLong("student_id"), rs.getString("display_name"),
                        Db.nullableLong(rs, "message_id"), Category.valueOf(rs.getString("category")),
                        Category.Severity.valueOf(rs.getString("severity")), rs.getString("excerpt"),
                        Db.instant(rs, "created_at")))
                .list();
    }
}
