package io.xueban.path;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.curriculum.KnowledgePoints;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * A teacher's decisions on one student's path, each with its reason: pin a point (practise it
 * now, until mastered) or skip it (leave it out, until the teacher removes the decision).
 */
@Service
class PathOverrides {

    enum Action { PIN, SKIP }

    record Override(long kpId, Action action, String reason, long setBy, String setByName, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final KnowledgePoints knowledgePoints;
    private final Clock clock;

    PathOverrides(JdbcClient jdbc, KnowledgePoints knowledgePoints, Clock clock) {
        this.jdbc = jdbc;
        this.knowledgePoints = knowledgePoints;
        this.clock = clock;
    }

    /** The student's decisions, oldest first (pins lead the path in this order). */
    List<Override> of(long studentId) {
        return jdbc.sql("""
                        SELECT o.kp_id, o.action, o.reason, o.set_by, u.display_name, o.created_at
                        FROM path_override o JOIN app_user u ON u.id = o.set_by
                        WHERE o.student_id = ? ORDER BY o.created_at, o.id""")
                .param(studentId)
                .query((rs, n) -> new Override(rs.getLong(1), Action.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getLong(4), rs.getString(5), Db.instant(rs, "created_at")))
                .list();
    }

    /** Sets (or replaces) the decision on one point. The caller has checked that the teacher may. */
    @Transactional
    Override set(long schoolId, long studentId, long kpId, Action action, String reason, long teacherId) {
        if (knowledgePoints.existing(schoolId, List.of(kpId)).isEmpty()) {
            throw ApiException.notFound("knowledge-point", kpId);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // Insert when missing (a concurrent decision may win the race), then this decision replaces it.
        jdbc.sql("""
                        INSERT INTO path_override (school_id, student_id, kp_id, action, reason, set_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(schoolId, studentId, kpId, action.name(), reason.strip(), teacherId, Db.utc(now))
                .update();
        jdbc.sql("""
                        UPDATE path_override SET action = ?, reason = ?, set_by = ?, created_at = ?
                        WHERE student_id = ? AND kp_id = ?""")
                .params(action.name(), reason.strip(), teacherId, Db.utc(now), studentId, kpId)
                .update();
        return of(studentId).stream().filter(o -> o.kpId() == kpId).findFirst().orElseThrow();
    }

    /** Removes the decision on one point; false when there was none. */
    boolean remove(long studentId, long kpId) {
        return jdbc.sql("DELETE FROM path_override WHERE student_id = ? AND kp_id = ?").params(studentId, kpId).update() > 0;
    }
}
