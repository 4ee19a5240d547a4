package io.xueban.safety;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;
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

    /** NEW until someone responsible acknowledges it; RESOLVED with a note once handled. */
    enum Status { NEW, ACKNOWLEDGED, RESOLVED }

    /** What someone did with an alert. */
    enum Action { ACKNOWLEDGED, RESOLVED, REOPENED, HANDED_OVER, NOTE }

    /** Which alerts a list shows: the open ones (not resolved), one status, or all. */
    enum Filter { OPEN, NEW, ACKNOWLEDGED, RESOLVED, ALL }

    /**
     * @param conversationId the conversation of the flagged message, to open it there
     * @param assignedTo the colleague it was handed over to, if any
     */
    record Alert(long id, long studentId, String studentName, Long messageId, Long conversationId, Category category,
            Category.Severity severity, String excerpt, Status status, Long assignedTo, String assignedToName,
            Instant createdAt, Instant updatedAt) {
    }

    /** One step of an alert's handling, with who and when. */
    record Event(long id, Action action, long actorId, String actorName, Long toUserId, String toUserName, String note,
            Instant at) {
    }

    record AlertView(Alert alert, List<Event> events) {
    }

    /** A member of staff an alert can be handed over to. */
    record Colleague(long id, String displayName, String role) {
    }

    private static final String SELECT = """
            SELECT a.*, u.display_name, m.conversation_id, h.display_name AS assigned_name
            FROM alert a JOIN app_user u ON u.id = a.student_id
            LEFT JOIN message m ON m.id = a.message_id
            LEFT JOIN app_user h ON h.id = a.assigned_to
            """;

    private final JdbcClient jdbc;
    private final SafetySettingsStore settings;
    private final EmailChannel email;
    private final Notifications notifications;
    private final MessageSource messages;
    private final Clock clock;

    Alerts(JdbcClient jdbc, SafetySettingsStore settings, EmailChannel email, Notifications notifications,
            MessageSource messages, Clock clock) {
        this.jdbc = jdbc;
        this.messages = messages;
        this.email = email;
        this.settings = settings;
        this.notifications = notifications;
        this.clock = clock;
    }

    /** Writes the alert and one outbox row per recipient; must join the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public long raise(long schoolId, long studentId, Long messageId, Category category, String text) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String excerpt = text.length() <= 200 ? text : text.substring(0, 200) + "…";
        long alert = Db.insert(jdbc, """
                        INSERT INTO alert (school_id, student_id, message_id, category, severity, excerpt, created_at,
                            updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                schoolId, studentId, messageId, category.name(), category.severity().name(), excerpt, Db.utc(now),
                Db.utc(now));
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

    /**
     * Alerts about the students a teacher teaches, or handed over to them (an admin: the whole
     * school), newest first.
     */
    List<Alert> visibleTo(long schoolId, Long teacherId, Filter filter, int limit) {
        return jdbc.sql(SELECT + """
                        WHERE a.school_id = ? AND (CAST(? AS BIGINT) IS NULL OR a.assigned_to = ? OR a.student_id IN (
                            SELECT e.student_id FROM enrolment e JOIN teaching_assignment t ON t.class_id = e.class_id
                            WHERE t.teacher_id = ?))
                          AND (? = 'ALL' OR (? = 'OPEN' AND a.status <> 'RESOLVED') OR a.status = ?)
                        ORDER BY a.created_at DESC, a.id DESC LIMIT ?""")
                .params(schoolId, teacherId, teacherId, teacherId, filter.name(), filter.name(), filter.name(), limit)
                .query((rs, n) -> alert(rs))
                .list();
    }

    Optional<Alert> find(long schoolId, long id) {
        return jdbc.sql(SELECT + "WHERE a.school_id = ? AND a.id = ?").params(schoolId, id).query((rs, n) -> alert(rs))
                .optional();
    }

    /** The alert with every step of its handling, oldest first. */
    AlertView view(Alert alert) {
        List<Event> events = jdbc.sql("""
                        SELECT e.*, a.display_name AS actor_name, t.display_name AS to_name
                        FROM alert_event e JOIN app_user a ON a.id = e.actor_id LEFT JOIN app_user t ON t.id = e.to_user_id
                        WHERE e.alert_id = ? ORDER BY e.id""")
                .param(alert.id())
                .query((rs, n) -> new Event(rs.getLong("id"), Action.valueOf(rs.getString("action")),
                        rs.getLong("actor_id"), rs.getString("actor_name"), Db.nullableLong(rs, "to_user_id"),
                        rs.getString("to_name"), rs.getString("note"), Db.instant(rs, "created_at")))
                .list();
        return new AlertView(alert, events);
    }

    /**
     * One step of handling, checked against where the alert stands: acknowledging a new one,
     * resolving an open one (with a note), reopening a resolved one, handing it over to a
     * colleague (who is told, and sees it from then on), or a note. The caller has checked that
     * the actor may see the alert. 409 when the alert moved on meanwhile.
     */
    @Transactional
    Alert act(CurrentUser me, Alert alert, Action action, String note, Long toUserId) {
        String text = note == null || note.isBlank() ? null : note.strip();
        if (action == Action.RESOLVED && text == null) {
            throw ApiException.badRequest("alert-note-needed");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Colleague to = null;
        switch (action) {
            case ACKNOWLEDGED -> move(alert, Status.NEW, Status.ACKNOWLEDGED, now);
            case RESOLVED -> {
                if (alert.status() == Status.RESOLVED) {
                    throw ApiException.conflict("alert-status-changed", alert.id());
                }
                move(alert, alert.status(), Status.RESOLVED, now);
            }
            case REOPENED -> move(alert, Status.RESOLVED, Status.ACKNOWLEDGED, now);
            case HANDED_OVER -> {
                if (toUserId == null || toUserId == me.id()) {
                    throw ApiException.badRequest("alert-hand-over-to-whom");
                }
                long target = toUserId;
                to = colleagues(me.schoolId()).stream().filter(c -> c.id() == target).findFirst()
                        .orElseThrow(() -> ApiException.badRequest("alert-hand-over-to-whom"));
                // Not over a resolution made meanwhile: the status is checked where it is changed.
                if (jdbc.sql("""
                                UPDATE alert SET assigned_to = ?, status = 'ACKNOWLEDGED', updated_at = ?
                                WHERE id = ? AND status <> 'RESOLVED'""")
                        .params(to.id(), Db.utc(now), alert.id()).update() == 0) {
                    throw ApiException.conflict("alert-resolved", alert.id());
                }
            }
            case NOTE -> {
                if (text == null) {
                    throw ApiException.badRequest("alert-note-needed");
                }
                jdbc.sql("UPDATE alert SET updated_at = ? WHERE id = ?").params(Db.utc(now), alert.id()).update();
            }
        }
        jdbc.sql("""
                        INSERT INTO alert_event (alert_id, actor_id, action, to_user_id, note, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)""")
                .params(alert.id(), me.id(), action.name(), to == null ? null : to.id(),
                        text == null || text.length() <= 2000 ? text : text.substring(0, 2000), Db.utc(now))
                .update();
        if (to != null) {
            // Notifications are stored as text, in the school's language.
            notifications.send(me.schoolId(), List.of(to.id()), messages.getMessage("alert.handed-over",
                    new Object[] {me.displayName(), alert.studentName(), text == null ? "" : text},
                    Locale.SIMPLIFIED_CHINESE), "/conversations?alert=" + alert.id());
        }
        return find(me.schoolId(), alert.id()).orElseThrow();
    }

    /**
     * Whether an open alert on a message of this conversation was handed over to this member of
     * staff, who then reads that conversation (and no other of the student's).
     */
    public boolean handedOverTo(long staffId, long conversationId) {
        return jdbc.sql("""
                        SELECT COUNT(*) FROM alert a JOIN message m ON m.id = a.message_id
                        WHERE a.assigned_to = ? AND m.conversation_id = ? AND a.status <> 'RESOLVED'""")
                .params(staffId, conversationId).query(Integer.class).single() > 0;
    }

    /** The school's staff, for a hand-over. */
    List<Colleague> colleagues(long schoolId) {
        return jdbc.sql("""
                        SELECT id, display_name, role FROM app_user
                        WHERE school_id = ? AND role IN ('TEACHER', 'ADMIN') AND enabled ORDER BY display_name, id""")
                .param(schoolId)
                .query((rs, n) -> new Colleague(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    private void move(Alert alert, Status from, Status to, Instant now) {
        if (jdbc.sql("UPDATE alert SET status = ?, updated_at = ? WHERE id = ? AND status = ?")
                .params(to.name(), Db.utc(now), alert.id(), from.name()).update() == 0) {
            throw ApiException.conflict("alert-status-changed", alert.id());
        }
    }

    private static Alert alert(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Alert(rs.getLong("id"), rs.getLong("student_id"), rs.getString("display_name"),
                Db.nullableLong(rs, "message_id"), Db.nullableLong(rs, "conversation_id"),
                Category.valueOf(rs.getString("category")), Category.Severity.valueOf(rs.getString("severity")),
                rs.getString("excerpt"), Status.valueOf(rs.getString("status")), Db.nullableLong(rs, "assigned_to"),
                rs.getString("assigned_name"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"));
    }
}
