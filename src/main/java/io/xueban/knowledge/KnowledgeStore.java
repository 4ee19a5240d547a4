package io.xueban.knowledge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.xueban.system.Db;

/** The library's tables: documents, their files and chunks, and the change log. */
@Repository
class KnowledgeStore {

    private static final String DOCUMENT_COLUMNS = """
            id, school_id, owner_id, title, file_name, format, size_bytes, content_hash, subject_id, grade, unit,
            kind, author, visibility, status, chunks_total, chunks_done, error_code, created_at, updated_at""";

    private static final String CHUNK_QUERY = """
            SELECT c.id, c.document_id, c.school_id, c.heading_path, c.page, c.content, c.embedding,
                   d.owner_id, d.visibility, d.subject_id, d.grade, d.kind, d.title, d.author
            FROM kb_chunk c JOIN kb_document d ON d.id = c.document_id
            WHERE d.status IN (:statuses)""";

    record Change(long id, long documentId, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    KnowledgeStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<KnowledgeDocument> find(long id) {
        return jdbc.sql("SELECT " + DOCUMENT_COLUMNS + " FROM kb_document WHERE id = ?")
                .param(id)
                .query((rs, n) -> document(rs))
                .optional()
                .map(document -> document.withKps(kpsOf(List.of(id)).getOrDefault(id, List.of())));
    }

    /** The same file already in the library where this user would see it, if any. */
    Optional<KnowledgeDocument> findVisibleByHash(long schoolId, String hash, long viewerId) {
        return jdbc.sql("SELECT " + DOCUMENT_COLUMNS + " FROM kb_document WHERE school_id = ? AND content_hash = ?"
                        + " AND (visibility = 'SCHOOL' OR owner_id = ?) ORDER BY visibility DESC, id")
                .params(schoolId, hash, viewerId)
                .query((rs, n) -> document(rs))
                .list().stream().findFirst()
                .map(document -> document.withKps(kpsOf(List.of(document.id())).getOrDefault(document.id(), List.of())));
    }

    List<KnowledgeDocument> list(long schoolId, long viewerId, Long subjectId, DocumentKind kind, int offset, int limit) {
        List<KnowledgeDocument> rows = jdbc.sql("SELECT " + DOCUMENT_COLUMNS + " FROM kb_document"
                        + " WHERE school_id = :school AND (visibility = 'SCHOOL' OR owner_id = :viewer)"
                        + " AND (CAST(:subject AS BIGINT) IS NULL OR subject_id = :subject)"
                        + " AND (CAST(:kind AS VARCHAR(32)) IS NULL OR kind = :kind)"
                        + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
                .param("school", schoolId)
                .param("viewer", viewerId)
                .param("subject", subjectId)
                .param("kind", kind == null ? null : kind.name())
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, n) -> document(rs))
                .list();
        Map<Long, List<Long>> kps = kpsOf(rows.stream().map(KnowledgeDocument::id).toList());
        return rows.stream().map(document -> document.withKps(kps.getOrDefault(document.id(), List.of()))).toList();
    }

    /** Stores a new document and its file, waiting for ingestion. The caller holds the transaction. */
    long insert(long schoolId, long ownerId, String fileName, SourceFormat format, byte[] content, String hash,
            DocumentMetadata metadata) {
        Instant now = clock.instant();
        String scope = metadata.visibility() == Visibility.SCHOOL ? "S" : "P" + ownerId;
        long id = Db.insert(jdbc, """
                        INSERT INTO kb_document (school_id, owner_id, title, file_name, format, size_bytes, content_hash,
                            dedupe_scope, subject_id, grade, unit, kind, author, visibility, status, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)""",
                schoolId, ownerId, metadata.title(), fileName, format.name(), (long) content.length, hash, scope,
                metadata.subjectId(), metadata.grade(), metadata.unit(), metadata.kind().name(), metadata.author(),
                metadata.visibility().name(), Db.utc(now), Db.utc(now));
        for (long kp : metadata.kpIds()) {
            jdbc.sql("INSERT INTO kb_document_kp (school_id, document_id, kp_id) VALUES (?, ?, ?)")
                    .params(schoolId, id, kp)
                    .update();
        }
        jdbc.sql("INSERT INTO kb_file (document_id, content) VALUES (?, ?)").params(id, content).update();
        return id;
    }

    byte[] file(long documentId) {
        return jdbc.sql("SELECT content FROM kb_file WHERE document_id = ?")
                .param(documentId)
                .query((rs, n) -> rs.getBytes(1))
                .single();
    }

    /** Takes a waiting document for this instance to ingest; false when another one has it. */
    boolean claim(long id) {
        return jdbc.sql("UPDATE kb_document SET status = 'PROCESSING', chunks_done = 0, updated_at = ?"
                        + " WHERE id = ? AND status = 'PENDING'")
                .params(Db.utc(clock.instant()), id)
                .update() == 1;
    }

    /** Sends a failed or stalled document back to the queue. */
    void requeue(long id) {
        jdbc.sql("UPDATE kb_document SET status = 'PENDING', error_code = NULL, chunks_done = 0, updated_at = ?"
                        + " WHERE id = ? AND status IN ('FAILED', 'PROCESSING')")
                .params(Db.utc(clock.instant()), id)
                .update();
    }

    void progress(long id, int done, int total) {
        jdbc.sql("UPDATE kb_document SET chunks_done = ?, chunks_total = ?, updated_at = ? WHERE id = ?")
                .params(done, total, Db.utc(clock.instant()), id)
                .update();
    }

    /** Stores every chunk of a document (still PROCESSING). The caller holds the transaction. */
    void saveChunks(KnowledgeDocument document, List<ChunkDraft> chunks, List<float[]> embeddings) {
        jdbc.sql("DELETE FROM kb_chunk WHERE document_id = ?").param(document.id()).update();
        for (int i = 0; i < chunks.size(); i++) {
            ChunkDraft chunk = chunks.get(i);
            jdbc.sql("""
                            INSERT INTO kb_chunk (school_id, document_id, ordinal, heading_path, page, content, embedding)
                            VALUES (?, ?, ?, ?, ?, ?, ?)""")
                    .params(document.schoolId(), document.id(), chunk.ordinal(), truncate(chunk.headingPath(), 1000),
                            chunk.page(), chunk.text(), bytes(embeddings.get(i)))
                    .update();
        }
        jdbc.sql("UPDATE kb_document SET chunks_total = ?, chunks_done = ?, updated_at = ? WHERE id = ?")
                .params(chunks.size(), chunks.size(), Db.utc(clock.instant()), document.id())
                .update();
    }

    /**
     * Marks a document READY and logs the change for every instance's index; returns the change
     * log entry's id, or empty when the document was deleted meanwhile.
     */
    Optional<Long> markReady(long documentId) {
        int updated = jdbc.sql("UPDATE kb_document SET status = 'READY', updated_at = ? WHERE id = ? AND status = 'PROCESSING'")
                .params(Db.utc(clock.instant()), documentId)
                .update();
        return updated == 1 ? Optional.of(addChange(documentId)) : Optional.empty();
    }

    void markFailed(long id, String errorCode) {
        jdbc.sql("UPDATE kb_document SET status = 'FAILED', error_code = ?, updated_at = ? WHERE id = ?")
                .params(errorCode, Db.utc(clock.instant()), id)
                .update();
    }

    /** Removes a document with its file and chunks. The caller holds the transaction. */
    void delete(long id) {
        jdbc.sql("DELETE FROM kb_document WHERE id = ?").param(id).update();
        addChange(id);
    }

    long addChange(long documentId) {
        return Db.insert(jdbc, "INSERT INTO kb_change (document_id, created_at) VALUES (?, ?)",
                documentId, Db.utc(clock.instant()));
    }

    List<Change> changesAfter(long watermark) {
        return jdbc.sql("SELECT id, document_id, created_at FROM kb_change WHERE id > ? ORDER BY id")
                .param(watermark)
                .query((rs, n) -> new Change(rs.getLong("id"), rs.getLong("document_id"), Db.instant(rs, "created_at")))
                .list();
    }

    long lastChangeId() {
        return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM kb_change").query(Long.class).single();
    }

    long readyChunkCount() {
        return jdbc.sql("SELECT COUNT(*) FROM kb_chunk c JOIN kb_document d ON d.id = c.document_id WHERE d.status = 'READY'")
                .query(Long.class).single();
    }

    /** The searchable chunks of one document; none unless it is READY. */
    List<IndexedChunk> chunksOf(long documentId) {
        return chunksOf(documentId, List.of("READY"));
    }

    /** The chunks of a document whose ingestion has stored them but not yet marked it READY. */
    List<IndexedChunk> freshChunksOf(long documentId) {
        return chunksOf(documentId, List.of("PROCESSING", "READY"));
    }

    private List<IndexedChunk> chunksOf(long documentId, List<String> statuses) {
        List<IndexedChunk> chunks = new ArrayList<>();
        jdbc.sql(CHUNK_QUERY + " AND c.document_id = :document ORDER BY c.ordinal")
                .param("statuses", statuses)
                .param("document", documentId)
                .query(rs -> {
                    chunks.add(chunk(rs, List.of()));
                });
        List<Long> kps = kpsOf(List.of(documentId)).getOrDefault(documentId, List.of());
        return chunks.stream().map(chunk -> withKps(chunk, kps)).toList();
    }

    /** Every searchable chunk, streamed, for a rebuild of the index. */
    void forEachReadyChunk(Consumer<IndexedChunk> consumer) {
        Map<Long, List<Long>> kps = new HashMap<>();
        jdbc.sql("SELECT k.document_id, k.kp_id FROM kb_document_kp k JOIN kb_document d ON d.id = k.document_id"
                        + " WHERE d.status = 'READY'")
                .query(rs -> {
                    kps.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(rs.getLong(2));
                });
        jdbc.sql(CHUNK_QUERY + " ORDER BY c.document_id, c.ordinal")
                .param("statuses", List.of("READY"))
                .query(rs -> {
                    consumer.accept(chunk(rs, kps.getOrDefault(rs.getLong("document_id"), List.of())));
                });
    }

    /** Documents left waiting or half-done (for instance by a restart). */
    List<Long> unfinished(Instant stalledBefore) {
        return jdbc.sql("SELECT id FROM kb_document WHERE status = 'PENDING'"
                        + " OR (status = 'PROCESSING' AND updated_at < ?) ORDER BY id")
                .param(Db.utc(stalledBefore))
                .query(Long.class)
                .list();
    }

    private Map<Long, List<Long>> kpsOf(Collection<Long> documentIds) {
        Map<Long, List<Long>> kps = new HashMap<>();
        if (documentIds.isEmpty()) {
            return kps;
        }
        jdbc.sql("SELECT document_id, kp_id FROM kb_document_kp WHERE document_id IN (:ids) ORDER BY kp_id")
                .param("ids", documentIds)
                .query(rs -> {
                    kps.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(rs.getLong(2));
                });
        return kps;
    }

    private static KnowledgeDocument document(ResultSet rs) throws SQLException {
        return new KnowledgeDocument(rs.getLong("id"), rs.getLong("school_id"), rs.getLong("owner_id"),
                rs.getString("title"), rs.getString("file_name"), SourceFormat.valueOf(rs.getString("format")),
                rs.getLong("size_bytes"), rs.getString("content_hash"), Db.nullableLong(rs, "subject_id"),
                nullableInt(rs, "grade"), rs.getString("unit"), List.of(), DocumentKind.valueOf(rs.getString("kind")),
                rs.getString("author"), Visibility.valueOf(rs.getString("visibility")),
                DocumentStatus.valueOf(rs.getString("status")), rs.getInt("chunks_total"), rs.getInt("chunks_done"),
                rs.getString("error_code"), Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"));
    }

    private static IndexedChunk chunk(ResultSet rs, List<Long> kps) throws SQLException {
        return new IndexedChunk(rs.getLong("id"), rs.getLong("document_id"), rs.getLong("school_id"),
                rs.getLong("owner_id"), Visibility.valueOf(rs.getString("visibility")), Db.nullableLong(rs, "subject_id"),
                nullableInt(rs, "grade"), DocumentKind.valueOf(rs.getString("kind")), kps, rs.getString("title"),
                rs.getString("author"), rs.getString("heading_path"), nullableInt(rs, "page"), rs.getString("content"),
                floats(rs.getBytes("embedding")));
    }

    private static IndexedChunk withKps(IndexedChunk c, List<Long> kps) {
        return new IndexedChunk(c.chunkId(), c.documentId(), c.schoolId(), c.ownerId(), c.visibility(), c.subjectId(),
                c.grade(), c.kind(), kps, c.title(), c.author(), c.headingPath(), c.page(), c.text(), c.embedding());
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    static byte[] bytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    static float[] floats(byte[] bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
