package io.xueban.tutor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.safety.Category;
import io.xueban.system.Db;

/** Conversations and their messages in the database. */
@Service
class ConversationStore {

    enum Assistant { BUDDY, TEACHER_ASSISTANT }

    enum Status { COMPLETE, STREAMING, FAILED, BLOCKED }

    record Conversation(long id, long schoolId, long userId, Assistant assistant, String title, Long itemId,
            Instant createdAt, Instant updatedAt) {
    }

    record Message(long id, long conversationId, String role, String content, Status status, Category category,
            Long flagWrongBy, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    ConversationStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    long create(long schoolId, long userId, Assistant assistant, String title, Long itemId) {
        Instant now = now();
        return Db.insert(jdbc, """
                        INSERT INTO conversation (school_id, user_id, assistant, title, item_id, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""",
                schoolId, userId, assistant.name(), title, itemId, Db.utc(now), Db.utc(now));
    }

    /** A conversation of the OpenAI-compatible endpoint, found again by the key of its opening message. */
    long createExternal(long schoolId, long userId, Assistant assistant, String title, String key) {
        long id = create(schoolId, userId, assistant, title, null);
        jdbc.sql("UPDATE conversation SET external_key = ? WHERE id = ?").params(key, id).update();
        return id;
    }

    /** The user's latest conversation opened with this key. */
    Optional<Conversation> findExternal(long userId, String key) {
        return jdbc.sql("SELECT * FROM conversation WHERE user_id = ? AND external_key = ?"
                        + " ORDER BY updated_at DESC, id DESC LIMIT 1")
                .params(userId, key).query(this::conversationRow).optional();
    }

    Optional<Conversation> find(long id) {
        return jdbc.sql("SELECT * FROM conversation WHERE id = ?").param(id).query(this::conversationRow).optional();
    }

    List<Conversation> ofUser(long userId, int limit) {
        return jdbc.sql("SELECT * FROM conversation WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?")
                .params(userId, limit).query(this::conversationRow).list();
    }

    /** Messages older than {@code beforeId} (all when null), newest first. */
    List<Message> messages(long conversationId, Long beforeId, int limit) {
        return jdbc.sql("""
                        SELECT * FROM message WHERE conversation_id = ? AND (CAST(? AS BIGINT) IS NULL OR id < ?)
                        ORDER BY id DESC LIMIT ?""")
                .params(conversationId, beforeId, beforeId, limit).query(this::messageRow).list();
    }

    /** The running summary of what came before the recent window, and the last message it covers. */
    record Summary(String text, Long upto) {
    }

    Summary summary(long conversationId) {
        return jdbc.sql("SELECT summary, summary_upto FROM conversation WHERE id = ?").param(conversationId)
                .query((rs, n) -> new Summary(rs.getString(1), Db.nullableLong(rs, "summary_upto"))).single();
    }

    void setSummary(long conversationId, String text, long upto) {
        jdbc.sql("UPDATE conversation SET summary = ?, summary_upto = ? WHERE id = ?").params(text, upto, conversationId)
                .update();
    }

    /** A message as the model sees it: a user's turn as it was sent (with its passages and notes), a reply as written. */
    record PromptMessage(long id, String role, String text) {
    }

    /**
     * The newest {@code limit} complete messages after {@code afterId} and before {@code beforeId},
     * oldest first, as the model saw them.
     */
    List<PromptMessage> window(long conversationId, Long afterId, long beforeId, int limit) {
        List<PromptMessage> newestFirst = jdbc.sql("""
                        SELECT id, role, content, prompt_text FROM message
                        WHERE conversation_id = ? AND id > ? AND id < ? AND status = 'COMPLETE'
                        ORDER BY id DESC LIMIT ?""")
                .params(conversationId, afterId == null ? 0 : afterId, beforeId, limit)
                .query((rs, n) -> new PromptMessage(rs.getLong("id"), rs.getString("role"),
                        rs.getString("prompt_text") != null ? rs.getString("prompt_text") : rs.getString("content")))
                .list();
        return newestFirst.reversed();
    }

    /** The conversation's canary, made once and kept for all its turns (so its prompts share a prefix). */
    String canary(long conversationId) {
        String stored = jdbc.sql("SELECT canary FROM conversation WHERE id = ?").param(conversationId)
                .query(String.class).optional().orElse(null);
        if (stored != null) {
            return stored;
        }
        // Two first turns racing: the first write wins and both use it.
        jdbc.sql("UPDATE conversation SET canary = ? WHERE id = ? AND canary IS NULL")
                .params(Canary.fresh().token(), conversationId).update();
        return jdbc.sql("SELECT canary FROM conversation WHERE id = ?").param(conversationId).query(String.class).single();
    }

    /** Complete messages after {@code afterId} and before {@code beforeId}, oldest first. */
    List<Message> between(long conversationId, Long afterId, long beforeId) {
        return jdbc.sql("SELECT * FROM message WHERE conversation_id = ? AND id > ? AND id < ? AND status = 'COMPLETE'"
                        + " ORDER BY id")
                .params(conversationId, afterId == null ? 0 : afterId, beforeId).query(this::messageRow).list();
    }

    Optional<Message> message(long id) {
        return jdbc.sql("SELECT * FROM message WHERE id = ?").param(id).query(this::messageRow).optional();
    }

    /** @param promptText a user's turn as the model is sent it, so that later turns repeat it word for word */
    long insertMessage(long schoolId, long conversationId, String role, String content, String promptText, Status status,
            Category category) {
        Instant now = now();
        jdbc.sql("UPDATE conversation SET updated_at = ? WHERE id = ?").params(Db.utc(now), conversationId).update();
        return Db.insert(jdbc, """
                        INSERT INTO message (conversation_id, school_id, role, content, prompt_text, status, category,
                            severity, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                conversationId, schoolId, role, content, promptText, status.name(),
                category == null ? null : category.name(), category == null ? null : category.severity().name(),
                Db.utc(now));
    }

    /** Deletes a turn that the model refused at the door (429), so that nothing half-written stays. */
    void deleteTurn(long userMessageId, long replyId) {
        jdbc.sql("DELETE FROM message WHERE id IN (?, ?)").params(userMessageId, replyId).update();
    }

    void finish(long messageId, String content, Status status, Category category) {
        jdbc.sql("UPDATE message SET content = ?, status = ?, category = ?, severity = ? WHERE id = ?")
                .params(content, status.name(), category == null ? null : category.name(),
                        category == null ? null : category.severity().name(), messageId)
                .update();
    }

    void markWrong(long messageId, long teacherId) {
        jdbc.sql("UPDATE message SET flag_wrong_by = ? WHERE id = ?").params(teacherId, messageId).update();
    }

    /** Messages the user sent since a moment (the daily cap). */
    /** When the user sent their messages since then, newest first. */
    List<Instant> sentTimes(long userId, Instant since) {
        return jdbc.sql("""
                        SELECT m.created_at FROM message m JOIN conversation c ON c.id = m.conversation_id
                        WHERE c.user_id = ? AND m.role = 'USER' AND m.created_at >= ? ORDER BY m.created_at DESC""")
                .params(userId, Db.utc(since)).query((rs, n) -> Db.instant(rs, "created_at")).list();
    }

    int sentSince(long userId, Instant since) {
        return jdbc.sql("""
                        SELECT COUNT(*) FROM message m JOIN conversation c ON c.id = m.conversation_id
                        WHERE c.user_id = ? AND m.role = 'USER' AND m.created_at >= ?""")
                .params(userId, Db.utc(since)).query(Integer.class).single();
    }

    /** How many answers the student has recorded on an item (the buddy's answer policy). */
    int attempts(long studentId, long itemId) {
        return jdbc.sql("SELECT COUNT(*) FROM response WHERE student_id = ? AND item_id = ?").params(studentId, itemId)
                .query(Integer.class).single();
    }

    /** Deletes a school's conversations untouched since {@code cutoff}; returns how many. */
    int purge(long schoolId, Instant cutoff) {
        return jdbc.sql("DELETE FROM conversation WHERE school_id = ? AND updated_at < ?")
                .params(schoolId, Db.utc(cutoff)).update();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private Conversation conversationRow(ResultSet rs, int row) throws SQLException {
        return new Conversation(rs.getLong("id"), rs.getLong("school_id"), rs.getLong("user_id"),
                Assistant.valueOf(rs.getString("assistant")), rs.getString("title"), Db.nullableLong(rs, "item_id"),
                Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"));
    }

    private Message messageRow(ResultSet rs, int row) throws SQLException {
        String category = rs.getString("category");
        return new Message(rs.getLong("id"), rs.getLong("conversation_id"), rs.getString("role"), rs.getString("content"),
                Status.valueOf(rs.getString("status")), category == null ? null : Category.valueOf(category),
                Db.nullableLong(rs, "flag_wrong_by"), Db.instant(rs, "created_at"));
    }
}
