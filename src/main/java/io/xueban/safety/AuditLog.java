package io.xueban.safety;

import java.time.Clock;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.xueban.security.CurrentUser;
import io.xueban.system.Db;

/**
 * Who changed what, for a school's records. Written in the caller's transaction, so an action
 * that rolls back leaves no audit line behind and an action that commits always has one.
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
