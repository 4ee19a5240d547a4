package io.xueban.insight;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
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

    private final LlmGateway gateway;
    private final PromptTemplates prompts;
    private final Items items;
    private final Responses responses;
    private final PhotoSettings settings;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PhotoSubmissions(LlmGateway gateway, PromptTemplates prompts, Items items, Responses responses,
            PhotoSettings settings, JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        this.gateway = gateway;
        this.prompts = prompts;
        this.items = items;
        this.responses = responses;
        this.settings = settings;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The caller has checked that they may act for the student. */
    Submission submit(CurrentUser me, long studentId, long itemId, byte[] image) {
        if (image.length > settings.maxSize().toBytes()) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", settings.maxSize().toMegabytes());
        }
        String mediaType = mediaType(image);
        checkReadable(image, mediaType);
        ItemFacts item = items.findFacts(me.schoolId(), itemId).orElseThrow(() -> ApiException.notFound("item", itemId));
        PhotoReading reading = read(me, item, image, mediaType);
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

    private PhotoReading read(CurrentUser me, ItemFacts item, byte[] image, String mediaType) {
        String question = prompts.render("insight/photo-item", Map.of(
                "itemType", item.type().name(),
                "stem", item.stem() + (item.options() == null ? "" : "\n" + options(item.options())),
                "answerKey", item.answerKey()));
        List<ChatMessage> messages = List.of(
                SystemMessage.from(prompts.render("insight/photo-reading", Map.of())),
                UserMessage.from(TextContent.from(question),
                        ImageContent.from(Base64.getEncoder().encodeToString(image), mediaType)));
        LlmCall call = LlmCall.of(ModelRole.VISION, me.is(Role.STUDENT) ? Priority.STUDENT : Priority.TEACHER, me.id(),
                messages).withTemperature(0);
        return gateway.generate(call, PhotoReading.class, reading -> reading.transcription() == null
                || reading.transcription().isBlank() ? List.of("transcription is empty") : List.of());
    }

    private static String options(List<String> options) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < options.size(); i++) {
            text.append((char) ('A' + i)).append(". ").append(options.get(i)).append('\n');
        }
        return text.toString().strip();
    }

    /** JPEG, PNG or WebP by their first bytes; anything else is refused with 415. */
    static String mediaType(byte[] image) {
        if (image.length >= 3 && (image[0] & 0xFF) == 0xFF && (image[1] & 0xFF) == 0xD8 && (image[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (image.length >= 8 && (image[0] & 0xFF) == 0x89 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G') {
            return "image/png";
        }
        if (image.length >= 12 && image[0] == 'R' && image[1] == 'I' && image[2] == 'F' && image[3] == 'F'
                && image[8] == 'W' && image[9] == 'E' && image[10] == 'B' && image[11] == 'P') {
            return "image/webp";
        }
        throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-image-type");
    }

    /** A JPEG or PNG must decode and be large enough to hold handwriting (WebP is passed on as it is). */
    private static void checkReadable(byte[] image, String mediaType) {
        if (mediaType.equals("image/webp")) {
            return;
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(image));
        } catch (IOException | RuntimeException e) {
            decoded = null;
        }
        if (decoded == null) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "image-unreadable");
        }
        if (decoded.getWidth() < 64 || decoded.getHeight() < 64) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "image-too-small", decoded.getWidth(),
                    decoded.getHeight());
        }
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
