package io.xueban.path;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.system.Db;
import io.xueban.system.Hashes;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The paths a student was given, kept each time they changed, with their reasons: a teacher can
 * see what the student was told to do, when, and why. Only a change is stored (a new answer that
 * leaves the path as it was adds nothing), and only the latest {@link #KEPT} per student and
 * subject are kept.
 */
@Service
class PathRecords {

    private static final Logger log = LoggerFactory.getLogger(PathRecords.class);
    static final int KEPT = 50;

    /** What caused a re-plan. */
    enum Cause { RESPONSE, GOAL, TEACHER_DECISION }

    /** A step as it was planned; items by id and code, library resources left out. */
    record RecordedStep(long kpId, String code, String name, Planner.Kind kind, List<Planner.Reason> reasons,
            String explanation, String teacherNote, List<Long> itemIds) {
    }

    record Recorded(long id, Long subjectId, Instant plannedAt, Cause cause, List<RecordedStep> steps) {
    }

    private static final TypeReference<List<RecordedStep>> STEPS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    PathRecords(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Stores the path when it differs from the last one stored for the student and subject; true when stored. */
    boolean record(long schoolId, LearningPaths.Path path, Cause cause) {
        if (path.subjectId() == null) {
            throw new IllegalArgumentException("paths are recorded per subject");
        }
        List<RecordedStep> steps = path.steps().stream()
                .map(step -> new RecordedStep(step.kpId(), step.code(), step.name(), step.kind(), step.reasons(),
                        step.explanation(), step.teacherNote(),
                        step.items().stream().map(LearningPaths.PathItem::itemId).toList()))
                .toList();
        String text = json.writeValueAsString(steps);
        String fingerprint = fingerprint(steps);
        String last = jdbc.sql("""
                        SELECT fingerprint FROM learning_path WHERE student_id = ? AND subject_id = ?
                        ORDER BY planned_at DESC, id DESC LIMIT 1""")
                .params(path.studentId(), path.subjectId())
                .query(String.class).optional().orElse(null);
        if (fingerprint.equals(last)) {
            return false;
        }
        jdbc.sql("""
                        INSERT INTO learning_path (school_id, student_id, subject_id, planned_at, cause, fingerprint, steps)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")
                .params(schoolId, path.studentId(), path.subjectId(), Db.utc(clock.instant().truncatedTo(ChronoUnit.MICROS)),
                        cause.name(), fingerprint, text)
                .update();
        int removed = jdbc.sql("""
                        DELETE FROM learning_path WHERE student_id = :student AND subject_id = :subject AND id NOT IN (
                            SELECT id FROM learning_path WHERE student_id = :student AND subject_id = :subject
                            ORDER BY planned_at DESC, id DESC LIMIT :kept)""")
                .param("student", path.studentId())
                .param("subject", path.subjectId())
                .param("kept", KEPT)
                .update();
        if (removed > 0) {
            log.debug("Dropped {} old paths of student {}", removed, path.studentId());
        }
        return true;
    }

    /** The student's recorded paths, newest first. */
    List<Recorded> history(long studentId, Long subjectId, int limit) {
        return jdbc.sql("""
                        SELECT id, subject_id, planned_at, cause, steps FROM learning_path
                        WHERE student_id = ? AND (CAST(? AS BIGINT) IS NULL OR subject_id = ?)
                        ORDER BY planned_at DESC, id DESC LIMIT ?""")
                .params(studentId, subjectId, subjectId, limit)
                .query((rs, n) -> new Recorded(rs.getLong("id"), rs.getLong("subject_id"), Db.instant(rs, "planned_at"),
                        Cause.valueOf(rs.getString("cause")), json.readValue(rs.getString("steps"), STEPS)))
                .list();
    }

    /** What makes two paths the same for the student: points, kinds, reasons, notes and items, in order. */
    private static String fingerprint(List<RecordedStep> steps) {
        StringBuilder text = new StringBuilder();
        for (RecordedStep step : steps) {
            text.append(step.kpId()).append('|').append(step.kind()).append('|').append(step.reasons()).append('|')
                    .append(step.teacherNote()).append('|').append(step.itemIds()).append('\n');
        }
        return Hashes.sha256(text.toString());
    }
}
