package io.xueban.assignment;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.xueban.system.Db;

/**
 * The model's suggested marks for typed answers to open items (answer_suggestion), and the queue
 * of those still to be asked for: a row waits from the hand-in, is claimed while the model is
 * asked (by one instance: a claim is a conditional update), and ends done or failed.
 */
@Repository
class Suggestions {

    enum State { WAITING, RUNNING, DONE, FAILED }

    /** A suggestion as the marking queue shows it. */
    record Suggestion(long studentId, long itemId, State state, Boolean suggestedCorrect, String feedback, int tries) {
    }

    /** An answer whose suggestion is due, with the row's state and time as read (to claim it by). */
    record Due(long assignmentId, long studentId, long itemId, String answer, State state, Instant updatedAt) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    Suggestions(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** Asks for suggestions on these handed-in answers of the student. */
    void request(long assignmentId, long studentId, Collection<Long> itemIds, Instant at) {
        batch.batchUpdate("""
                        INSERT INTO answer_suggestion (assignment_id, student_id, item_id, state, tries, updated_at)
                        VALUES (?, ?, ?, 'WAITING', 0, ?) ON CONFLICT DO NOTHING""",
                itemIds.stream().map(item -> new Object[] {assignmentId, studentId, item, Db.utc(at)}).toList());
    }

    /** The student's answers may change (another attempt): their suggestions go. */
    void forget(long assignmentId, long studentId) {
        jdbc.sql("DELETE FROM answer_suggestion WHERE assignment_id = ? AND student_id = ?")
                .params(assignmentId, studentId).update();
    }

    /** The teacher marked the answer: a suggestion not yet made is no longer needed. */
    void dropUnfinished(long assignmentId, long studentId, long itemId) {
        jdbc.sql("""
                        DELETE FROM answer_suggestion
                        WHERE assignment_id = ? AND student_id = ? AND item_id = ? AND state <> 'DONE'""")
                .params(assignmentId, studentId, itemId).update();
    }

    /**
     * The oldest due answers still unmarked (up to {@code limit}): waiting, failed fewer than
     * {@code maxTries} times and not since {@code retryBefore}, or claimed before
     * {@code stalledBefore} by an instance that stopped.
     */
    List<Due> due(int maxTries, Instant retryBefore, Instant stalledBefore, int limit) {
        return jdbc.sql("""
                        SELECT g.assignment_id, g.student_id, g.item_id, x.answer, g.state, g.updated_at
                        FROM answer_suggestion g JOIN submission_answer x ON x.assignment_id = g.assignment_id
                            AND x.student_id = g.student_id AND x.item_id = g.item_id
                        WHERE x.correct IS NULL AND (g.state = 'WAITING'
                            OR (g.state = 'FAILED' AND g.tries < ? AND g.updated_at < ?)
                            OR (g.state = 'RUNNING' AND g.tries < ? AND g.updated_at < ?))
                        ORDER BY g.updated_at, g.assignment_id, g.item_id, g.student_id
                        FETCH FIRST ? ROWS ONLY""")
                .params(maxTries, Db.utc(retryBefore), maxTries, Db.utc(stalledBefore), limit)
                .query((rs, n) -> new Due(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        State.valueOf(rs.getString(5)), Db.instant(rs, "updated_at")))
                .list();
    }

    /**
     * Takes a due answer for this instance: the claim, by whose time its result is written back
     * (so a late result never lands on a newer claim); empty when another took it or it changed.
     */
    Optional<Due> claim(Due due, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        boolean taken = jdbc.sql("""
                        UPDATE answer_suggestion SET state = 'RUNNING', tries = tries + 1, updated_at = ?
                        WHERE assignment_id = ? AND student_id = ? AND item_id = ? AND state = ? AND updated_at = ?""")
                .params(Db.utc(at), due.assignmentId(), due.studentId(), due.itemId(), due.state().name(),
                        Db.utc(due.updatedAt()))
                .update() == 1;
        return taken ? Optional.of(new Due(due.assignmentId(), due.studentId(), due.itemId(), due.answer(), State.RUNNING, at))
                : Optional.empty();
    }

    void done(Due due, boolean correct, String feedback, Instant now) {
        finish(due, State.DONE, correct, feedback, now);
    }

    void failed(Due due, Instant now) {
        finish(due, State.FAILED, null, null, now);
    }

    /** Gives a claimed answer back untried (the model could not take it now, or the app stops). */
    void release(Due due) {
        jdbc.sql("""
                        UPDATE answer_suggestion SET state = 'WAITING', tries = tries - 1
                        WHERE assignment_id = ? AND student_id = ? AND item_id = ? AND state = 'RUNNING' AND updated_at = ?""")
                .params(due.assignmentId(), due.studentId(), due.itemId(), Db.utc(due.updatedAt())).update();
    }

    /** The suggestions of an assignment's answers, by student and item. */
    Map<String, Suggestion> of(long assignmentId) {
        Map<String, Suggestion> suggestions = new HashMap<>();
        jdbc.sql("""
                        SELECT student_id, item_id, state, suggested_correct, feedback, tries
                        FROM answer_suggestion WHERE assignment_id = ?""")
                .param(assignmentId)
                .query((rs, n) -> new Suggestion(rs.getLong(1), rs.getLong(2), State.valueOf(rs.getString(3)),
                        rs.getObject(4, Boolean.class), rs.getString(5), rs.getInt(6)))
                .list().forEach(s -> suggestions.put(s.studentId() + ":" + s.itemId(), s));
        return suggestions;
    }

    private void finish(Due due, State state, Boolean correct, String feedback, Instant now) {
        jdbc.sql("""
                        UPDATE answer_suggestion SET state = ?, suggested_correct = ?, feedback = ?, updated_at = ?
                        WHERE assignment_id = ? AND student_id = ? AND item_id = ? AND state = 'RUNNING' AND updated_at = ?""")
                .params(state.name(), correct, feedback == null || feedback.length() <= 1000 ? feedback
                        : feedback.substring(0, 1000), Db.utc(now), due.assignmentId(), due.studentId(), due.itemId(),
                        Db.utc(due.updatedAt()))
                .update();
    }
}
