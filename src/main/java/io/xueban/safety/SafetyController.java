package io.xueban.safety;

import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/** The school's safety settings, the AI-use policy, alerts for the adults responsible and their notifications. */
@RestController
@Validated
class SafetyController {

    record PolicyView(String version, String text, boolean accepted, String acceptedVersion) {
    }

    /** @param link the page it leads to (an assignment's, say), else null */
    record Notification(long id, Long alertId, String text, String link, Instant createdAt, Instant readAt) {
    }

    private final SafetySettingsStore settings;
    private final AiPolicy policy;
    private final Alerts alerts;
    private final AuditLog audit;
    private final AccessPolicy access;
    private final JdbcClient jdbc;
    private final java.time.Clock clock;

    SafetyController(SafetySettingsStore settings, AiPolicy policy, Alerts alerts, AuditLog audit, AccessPolicy access,
            JdbcClient jdbc, java.time.Clock clock) {
        this.clock = clock;
        this.settings = settings;
        this.policy = policy;
        this.alerts = alerts;
        this.audit = audit;
        this.access = access;
        this.jdbc = jdbc;
    }

    @GetMapping("/api/safety-settings")
    @Operation(summary = "The school's safety settings: strictness, daily cap, quiet hours, retention, support contacts, keywords")
    SafetySettings settings(CurrentUser me) {
        access.requireStaff(me);
        return settings.of(me.schoolId());
    }

    @PutMapping("/api/safety-settings")
    @Operation(summary = "Change the school's safety settings (admins)")
    SafetySettings setSettings(CurrentUser me, @Valid @RequestBody SafetySettings body) {
        access.requireAdmin(me);
        SafetySettings saved = settings.set(me.schoolId(), me.id(), body);
        audit.record(me, "safety-settings.update", "school", me.schoolId(), null);
        return saved;
    }

    @GetMapping("/api/ai-policy")
    @Operation(summary = "The AI-use policy and whether I accepted its current version")
    PolicyView policy(CurrentUser me) {
        String accepted = policy.acceptedVersion(me.id()).orElse(null);
        return new PolicyView(AiPolicy.VERSION, policy.text(), AiPolicy.VERSION.equals(accepted), accepted);
    }

    @PostMapping("/api/ai-policy/accept")
    @Operation(summary = "Accept the current AI-use policy (students must, once, before chatting)")
    PolicyView accept(CurrentUser me) {
        policy.accept(me.schoolId(), me.id());
        return policy(me);
    }

    /** A step of an alert's handling: {@code note} is required to resolve, {@code toUserId} to hand over. */
    record AlertAction(@NotNull Alerts.Action action, @Size(max = 2000) String note, Long toUserId) {
    }

    @GetMapping("/api/alerts")
    @Operation(summary = "Alerts about the students I teach or handed over to me (admins: the school's), newest first; "
            + "status=OPEN (not resolved), NEW, ACKNOWLEDGED, RESOLVED or ALL (the default)")
    List<Alerts.Alert> alerts(CurrentUser me, @RequestParam(defaultValue = "ALL") Alerts.Filter status,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        access.requireStaff(me);
        return alerts.visibleTo(me.schoolId(), me.is(Role.ADMIN) ? null : me.id(), status, limit);
    }

    @GetMapping("/api/alerts/{id}")
    @Operation(summary = "An alert with every step of its handling (who, when, notes)")
    Alerts.AlertView alert(CurrentUser me, @PathVariable long id) {
        return alerts.view(visible(me, id));
    }

    @PostMapping("/api/alerts/{id}/events")
    @Operation(summary = "Handle an alert: ACKNOWLEDGED (a new one), RESOLVED (with a note), REOPENED, HANDED_OVER "
            + "(to toUserId, a colleague, who is notified and sees it from then on) or NOTE")
    Alerts.AlertView act(CurrentUser me, @PathVariable long id, @Valid @RequestBody AlertAction request) {
        Alerts.Alert visible = visible(me, id);
        if (request.action() == Alerts.Action.REOPENED && !responsible(me, visible)) {
            // A colleague it was handed over to handles it while it is open; reopening is for those responsible.
            throw ApiException.forbidden("alert-reopen-responsible-only");
        }
        Alerts.Alert alert = alerts.act(me, visible, request.action(), request.note(), request.toUserId());
        audit.record(me, "alert." + request.action().name().toLowerCase(java.util.Locale.ROOT), "alert", id,
                request.toUserId() == null ? null : "to " + request.toUserId());
        return alerts.view(alert);
    }

    @GetMapping("/api/alerts/colleagues")
    @Operation(summary = "The school's staff an alert can be handed over to")
    List<Alerts.Colleague> colleagues(CurrentUser me) {
        access.requireStaff(me);
        return alerts.colleagues(me.schoolId()).stream().filter(c -> c.id() != me.id()).toList();
    }

    /** An admin, or a teacher of the student: not only a colleague it was handed over to. */
    private boolean responsible(CurrentUser me, Alerts.Alert alert) {
        if (me.is(Role.ADMIN)) {
            return true;
        }
        try {
            access.checkStudent(me, alert.studentId());
            return true;
        } catch (ApiException notTheirs) {
            return false;
        }
    }

    /** An alert the caller may see: about a student they teach, handed over to them, or (admins) the school's. */
    private Alerts.Alert visible(CurrentUser me, long id) {
        access.requireStaff(me);
        Alerts.Alert alert = alerts.find(me.schoolId(), id).orElseThrow(() -> ApiException.notFound("alert", id));
        if (!me.is(Role.ADMIN) && !java.util.Objects.equals(alert.assignedTo(), me.id())) {
            access.checkStudent(me, alert.studentId());
        }
        return alert;
    }

    @GetMapping("/api/notifications")
    @Operation(summary = "My notifications, unread first")
    List<Notification> notifications(CurrentUser me, @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return jdbc.sql("""
                        SELECT id, alert_id, text, link, created_at, read_at FROM notification WHERE user_id = ?
                        ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT ?""")
                .params(me.id(), limit)
                .query((rs, n) -> new Notification(rs.getLong("id"), Db.nullableLong(rs, "alert_id"), rs.getString("text"), rs.getString("link"),
                        Db.instant(rs, "created_at"), Db.instant(rs, "read_at")))
                .list();
    }

    @PostMapping("/api/notifications/{id}/read")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Mark one of my notifications read")
    void read(CurrentUser me, @PathVariable long id) {
        int updated = jdbc.sql("UPDATE notification SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?")
                .params(Db.utc(clock.instant()), id, me.id()).update();
        if (updated == 0) {
            throw ApiException.notFound("notification", id);
        }
    }
}
