package io.xueban.insight;

import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.system.Db;

/** Stores answers, many at a time, and reads a student's history. */
@Service
public class Responses {

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Responses(JdbcTemplate jdbcTemplate, JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Stores checked answers all together or not at all. */
    @Transactional
    public void recordAll(List<NewResponse> responses) {
        if (responses.isEmpty()) {
            return;
        }
        jdbcTemplate.batchUpdate("""
                        INSERT INTO response (school_id, student_id, item_id, correct, score, answer_text, time_taken_ms,
                                              source, created_at, assignment_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                responses, 1000, (PreparedStatement ps, NewResponse r) -> {
                    ps.setLong(1, r.schoolId());
                    ps.setLong(2, r.studentId());
                    ps.setLong(3, r.itemId());
                    ps.setObject(4, r.correct(), Types.BOOLEAN);
                    ps.setObject(5, r.score(), Types.DOUBLE);
                    ps.setString(6, r.answerText());
                    ps.setObject(7, r.timeTakenMs(), Types.BIGINT);
                    ps.setString(8, r.source().name());
                    ps.setObject(9, Db.utc(r.answeredAt()));
                    ps.setObject(10, r.assignmentId(), Types.BIGINT);
                });
        events.publishEvent(new ResponsesRecorded(responses.getFirst().schoolId(), List.copyOf(responses)));
    }

    List<ResponseView> ofStudent(long studentId, int offset, int limit) {
        return jdbc.sql("""
                        SELECT r.id, r.item_id, i.code AS item_code, r.correct, r.score, r.answer_text, r.time_taken_ms,
                               r.source, r.created_at
                        FROM response r JOIN item i ON i.id = r.item_id
                        WHERE r.student_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?""")
                .params(studentId, limit, offset)
                .query((rs, n) -> new ResponseView(rs.getLong("id"), rs.getLong("item_id"), rs.getString("item_code"),
                        Db.nullableBoolean(rs, "correct"), Db.nullableDouble(rs, "score"), rs.getString("answer_text"),
                        Db.nullableLong(rs, "time_taken_ms"), ResponseSource.valueOf(rs.getString("source")),
                        Db.instant(rs, "created_at")))
                .list();
    }

    record ResponseView(long id, long itemId, String itemCode, Boolean correct, Double score, String answer,
                        Long timeTakenMs, ResponseSource source, java.time.Instant answeredAt) {
    }
}
