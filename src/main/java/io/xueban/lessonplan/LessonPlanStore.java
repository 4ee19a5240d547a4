package io.xueban.lessonplan;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.system.Db;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Lesson plans and their versions in the database. */
@Service
class LessonPlanStore {

    enum Status { GENERATING, READY, FAILED, ACCEPTED }

    enum VersionSource { GENERATED, EDITED, REGENERATED }

    record Plan(long id, long schoolId, long teacherId, long classId, long subjectId, Status status,
            LessonPlanRequest request, String requestHash, PlanContext context, String failure, int currentVersion,
            Integer acceptedVersion, Long libraryDocumentId, Instant createdAt, Instant updatedAt) {
    }

    record Version(int version, VersionSource source, LessonDraft content, List<String> flags, String note, long createdBy,
            String createdByName, Instant createdAt) {
    }

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    LessonPlanStore(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** A new plan, GENERATING. Throws DuplicateKeyException when the teacher used the idempotency key before. */
    long create(long schoolId, long teacherId, LessonPlanRequest request, String requestHash, String idempotencyKey) {
        Instant now = now();
        return Db.insert(jdbc, """
                        INSERT INTO lesson_plan (school_id, teacher_id, class_id, subject_id, status, request, request_hash,
                            idempotency_key, created_at, updated_at)
                        VALUES (?, ?, ?, ?, 'GENERATING', ?, ?, ?, ?, ?)""",
                schoolId, teacherId, request.classId(), request.subjectId(), json.writeValueAsString(request), requestHash,
                idempotencyKey, Db.utc(now), Db.utc(now));
    }

    Optional<Plan> find(long id) {
        return jdbc.sql("SELECT * FROM lesson_plan WHERE id = ?").param(id).query(this::plan).optional();
    }

    Optional<Plan> findByKey(long teacherId, String idempotencyKey) {
        return jdbc.sql("SELECT * FROM lesson_plan WHERE teacher_id = ? AND idempotency_key = ?")
                .params(teacherId, idempotencyKey).query(this::plan).optional();
    }

    /** The teacher's plans (or, for an admin, the school's), newest first. */
    List<Plan> list(long schoolId, Long teacherId, int limit) {
        return jdbc.sql("""
                        SELECT * FROM lesson_plan WHERE school_id = ? AND (CAST(? AS BIGINT) IS NULL OR teacher_id = ?)
                        ORDER BY created_at DESC, id DESC LIMIT ?""")
                .params(schoolId, teacherId, teacherId, limit).query(this::plan).list();
    }

    void setContext(long id, PlanContext context) {
        jdbc.sql("UPDATE lesson_plan SET context = ?, updated_at = ? WHERE id = ?")
                .params(json.writeValueAsString(context), Db.utc(now()), id).update();
    }

    void fail(long id, String code) {
        jdbc.sql("UPDATE lesson_plan SET status = 'FAILED', failure = ?, updated_at = ? WHERE id = ? AND status = 'GENERATING'")
                .params(code, Db.utc(now()), id).update();
    }

    /** A failed plan to be written again; false if it is not failed (any more). */
    boolean restart(long id) {
        return jdbc.sql("UPDATE lesson_plan SET status = 'GENERATING', failure = NULL, updated_at = ? WHERE id = ? AND status = 'FAILED'")
                .params(Db.utc(now()), id).update() == 1;
    }

    /** Plans left GENERATING by an instance that stopped: failed, so that their teachers can ask again. */
    int failStale(Duration olderThan) {
        return jdbc.sql("UPDATE lesson_plan SET status = 'FAILED', failure = 'interrupted', updated_at = ?"
                        + " WHERE status = 'GENERATING' AND updated_at < ?")
                .params(Db.utc(now()), Db.utc(now().minus(olderThan))).update();
    }

    /** Adds the next version and makes it current (a generating plan becomes READY); returns its number. */
    @Transactional
    int addVersion(long planId, VersionSource source, LessonDraft content, List<String> flags, String note, long userId) {
        int current = jdbc.sql("SELECT current_version FROM lesson_plan WHERE id = ? FOR UPDATE").param(planId)
                .query(Integer.class).single();
        int next = current + 1;
        jdbc.sql("""
                        INSERT INTO lesson_plan_version (plan_id, version, source, content, flags, note, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(planId, next, source.name(), json.writeValueAsString(content), json.writeValueAsString(flags), note,
                        userId, Db.utc(now()))
                .update();
        jdbc.sql("""
                        UPDATE lesson_plan SET current_version = ?, updated_at = ?,
                            status = CASE WHEN status = 'GENERATING' THEN 'READY' ELSE status END
                        WHERE id = ?""")
                .params(next, Db.utc(now()), planId).update();
        return next;
    }

    Optional<Version> version(long planId, int version) {
        return jdbc.sql("""
                        SELECT v.*, u.display_name FROM lesson_plan_version v JOIN app_user u ON u.id = v.created_by
                        WHERE v.plan_id = ? AND v.version = ?""")
                .params(planId, version).query(this::version).optional();
    }

    List<Version> versions(long planId) {
        return jdbc.sql("""
                        SELECT v.*, u.display_name FROM lesson_plan_version v JOIN app_user u ON u.id = v.created_by
                        WHERE v.plan_id = ? ORDER BY v.version""")
                .param(planId).query(this::version).list();
    }

    void accept(long planId, int version, long documentId) {
        jdbc.sql("""
                        UPDATE lesson_plan SET status = 'ACCEPTED', accepted_version = ?, library_document_id = ?, updated_at = ?
                        WHERE id = ?""")
                .params(version, documentId, Db.utc(now()), planId).update();
    }

    private Plan plan(ResultSet rs, int row) throws SQLException {
        String context = rs.getString("context");
        return new Plan(rs.getLong("id"), rs.getLong("school_id"), rs.getLong("teacher_id"), rs.getLong("class_id"),
                rs.getLong("subject_id"), Status.valueOf(rs.getString("status")),
                json.readValue(rs.getString("request"), LessonPlanRequest.class), rs.getString("request_hash"),
                context == null ? null : json.readValue(context, PlanContext.class), rs.getString("failure"),
                rs.getInt("current_version"), (Integer) rs.getObject("accepted_version", Integer.class),
                Db.nullableLong(rs, "library_document_id"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"));
    }

    private Version version(ResultSet rs, int row) throws SQLException {
        return new Version(rs.getInt("version"), VersionSource.valueOf(rs.getString("source")),
                json.readValue(rs.getString("content"), LessonDraft.class), json.readValue(rs.getString("flags"), STRINGS),
                rs.getString("note"), rs.getLong("created_by"), rs.getString("display_name"), Db.instant(rs, "created_at"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
