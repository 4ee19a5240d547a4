package io.xueban.path;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.curriculum.KnowledgePoints;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/** The knowledge points a teacher sets as the goal of a class's or a student's path. */
@Service
class PathGoals {

    private final JdbcClient jdbc;
    private final KnowledgePoints knowledgePoints;
    private final Clock clock;

    PathGoals(JdbcClient jdbc, KnowledgePoints knowledgePoints, Clock clock) {
        this.jdbc = jdbc;
        this.knowledgePoints = knowledgePoints;
        this.clock = clock;
    }

    /** Replaces the class's goal (an empty list clears it). The caller has checked access. */
    @Transactional
    List<Long> setForClass(long schoolId, long classId, long teacherId, List<Long> kpIds) {
        return replace(schoolId, "class_id", classId, teacherId, kpIds);
    }

    /** Replaces the student's own goal (an empty list clears it, so the class's applies again). */
    @Transactional
    List<Long> setForStudent(long schoolId, long studentId, long teacherId, List<Long> kpIds) {
        return replace(schoolId, "student_id", studentId, teacherId, kpIds);
    }

    List<Long> ofClass(long classId) {
        return of("class_id", classId);
    }

    List<Long> ofStudent(long studentId) {
        return of("student_id", studentId);
    }

    /** The student's own goal, else the goals of their classes together; empty when none is set. */
    Set<Long> effective(long studentId) {
        List<Long> own = ofStudent(studentId);
        if (!own.isEmpty()) {
            return new LinkedHashSet<>(own);
        }
        return new LinkedHashSet<>(jdbc.sql("""
                        SELECT DISTINCT g.kp_id FROM path_goal g JOIN enrolment e ON e.class_id = g.class_id
                        WHERE e.student_id = ? ORDER BY g.kp_id""")
                .param(studentId).query(Long.class).list());
    }

    private List<Long> replace(long schoolId, String column, long owner, long teacherId, List<Long> kpIds) {
        List<Long> wanted = List.copyOf(new LinkedHashSet<>(kpIds));
        List<Long> known = knowledgePoints.existing(schoolId, wanted);
        for (long kp : wanted) {
            if (!known.contains(kp)) {
                throw ApiException.badRequest("unknown-knowledge-point", kp);
            }
        }
        jdbc.sql("DELETE FROM path_goal WHERE " + column + " = ?").param(owner).update();
        for (long kp : wanted) {
            jdbc.sql("INSERT INTO path_goal (school_id, " + column + ", kp_id, set_by, created_at) VALUES (?, ?, ?, ?, ?)")
                    .params(schoolId, owner, kp, teacherId, Db.utc(clock.instant()))
                    .update();
        }
        return of(column, owner);
    }

    private List<Long> of(String column, long owner) {
        return jdbc.sql("SELECT kp_id FROM path_goal WHERE " + column + " = ? ORDER BY kp_id").param(owner)
                .query(Long.class).list();
    }
}
