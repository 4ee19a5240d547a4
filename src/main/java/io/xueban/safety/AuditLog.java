package io.xueban.safety;

import java.time.Clock;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.xueban.security.CurrentUser;
import io.xueban.system.Db;

/**
 * Who changed what, for a school's records. Joins the caller's transaction when there is one
 * (as in imports), so a rolled-back action leaves no audit line behind.
 */
@Component
public class AuditLog {

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(CurrentUser actor, String action, String targetType, Long targetId, String detail) {
        jdbc.sql("""
                        INSERT INTO audit_log (school_id, actor_id, action, target_type, target_id, detail, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(actor.schoolId(), actor.id(), action, targetType, targetId,
                        detail == null || detail.length() <= 4000 ? detail : detail.substring(0, 4000),
                        Db.utc(clock.instant()))
                .update();
    }
}
