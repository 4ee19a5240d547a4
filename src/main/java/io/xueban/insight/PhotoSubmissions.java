package io.xueban.insight;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * Photographed work: the vision model reads the handwriting against the item and its key. Its
 * reading and suggested mark are a draft: nothing counts for the student until a teacher confirms
 * or corrects it (the AI never marks a student on its own), and the teacher's judgement is then
 * recorded (source PHOTO). The model is asked before anything is stored, so when it is
 * unavailable nothing is stored either.
 */
@Service
class PhotoSubmissions {

    /** RECORDED marks submissions from before every reading waited for a teacher. */
    enum Status { RECORDED, NEEDS_REVIEW, CONFIRMED, CORRECTED }

    record Submission(long id, long studentId, long itemId, String mediaType, PhotoReading reading, Status status,
            Boolean finalCorrect, Instant createdAt) {
    }

    private final PhotoReader reader;
    private final Items items;
    private final Responses responses;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PhotoSubmissions(PhotoReader reader, Items items, Responses responses, JdbcClient jdbc,
            TransactionTemplate transactions, Clock clock) {
        this.reader = reader;
        this.items = items;
        this.responses = responses;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The caller has checked that they may act for the student. */
    Submission submit(CurrentUser me, long studentId, long itemId, byte[] image) {
        String mediaType = reader.checked(image);
        ItemFacts item = items.findFacts(me.schoolId(), itemId).orElseThrow(() -> ApiException.notFound("item", itemId));
        PhotoReading reading = reader.read(me, item, image, mediaType);
        Instant now = clock.instant();
        long id = Db.insert(jdbc, """
                            INSERT INTO photo_submission (school_id, student_id, item_id, submitted_by, media_type, image,
                                transcription, steps, model_correct, confidence, feedback, status, final_correct, created_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    me.schoolId(), studentId, itemId, me.id(), mediaType, image, truncate(reading.transcription(), 8000),
                    truncate(String.join("\n", reading.steps() == null ? List.of() : reading.steps()), 8000),
                    reading.correct(), reading.confidence(), truncate(reading.feedback(), 4000),
                    Status.NEEDS_REVIEW.name(), null, Db.utc(now));
        return find(id).orElseThrow();
    }

    /** A teacher's judgement on an unsure reading: the answer is recorded as the teacher says. */
    Submission review(CurrentUser me, long id, boolean correct, String answerText) {
        Submission submission = find(id).orElseThrow(() -> ApiException.notFound("photo", id));
        if (submission.status() != Status.NEEDS_REVIEW) {
            throw ApiException.conflict("photo-already-reviewed", id);
        }
        Instant now = clock.instant();
        Status status = correct == submission.reading().correct() ? Status.CONFIRMED : Status.CORRECTED;
        transactions.executeWithoutResult(tx -> {
            int updated = jdbc.sql("""
                            UPDATE photo_submission SET status = ?, final_correct = ?, reviewed_by = ?, reviewed_at = ?
                            WHERE id = ? AND status = 'NEEDS_REVIEW'""")
                    .params(status.name(), correct, me.id(), Db.utc(now), id)
                    .update();
            if (updated != 1) {
                throw ApiException.conflict("photo-already-reviewed", id);
            }
            record(me.schoolId(), submission.studentId(), submission.itemId(), correct,
                    answerText == null || answerText.isBlank() ? submission.reading().transcription() : answerText, now);
        });
        return find(id).orElseThrow();
    }

    private void record(long schoolId, long studentId, long itemId, boolean correct, String answerText, Instant at) {
        responses.recordAll(List.of(new NewResponse(schoolId, studentId, itemId, correct, correct ? 1.0 : 0.0,
                truncate(answerText, 8000), null, ResponseSource.PHOTO, at)));
    }

    Optional<Submission> find(long id) {
        return jdbc.sql("""
                        SELECT id, student_id, item_id, media_type, transcription, steps, model_correct, confidence, feedback,
                               status, final_correct, created_at FROM photo_submission WHERE id = ?""")
                .param(id)
                .query((rs, n) -> new Submission(rs.getLong("id"), rs.getLong("student_id"), rs.getLong("item_id"),
                        rs.getString("media_type"), new PhotoReading(rs.getString("transcription"),
                        rs.getString("steps") == null || rs.getString("steps").isEmpty() ? List.of()
                                : List.of(rs.getString("steps").split("\n")),
                        rs.getBoolean("model_correct"), rs.getDouble("confidence"), rs.getString("feedback")),
                        Status.valueOf(rs.getString("status")), Db.nullableBoolean(rs, "final_correct"),
                        Db.instant(rs, "created_at")))
                .optional();
    }

    Optional<Long> schoolOf(long id) {
        return jdbc.sql("SELECT school_id FROM photo_submission WHERE id = ?").param(id).query(Long.class).optional();
    }

    byte[] image(long id) {
        return jdbc.sql("SELECT image FROM photo_submission WHERE id = ?").param(id).query((rs, n) -> rs.getBytes(1)).single();
    }

    /** A class's submissions (newest first), optionally only those waiting for review. */
    List<Submission> ofStudents(List<Long> students, Status status) {
        if (students.isEmpty()) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>(jdbc.sql("SELECT id FROM photo_submission WHERE student_id IN (:students)"
                        + " AND (CAST(:status AS VARCHAR(16)) IS NULL OR status = :status) ORDER BY created_at DESC, id DESC")
                .param("students", students)
                .param("status", status == null ? null : status.name())
                .query(Long.class)
                .list());
        return ids.stream().map(id -> find(id).orElseThrow()).toList();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
