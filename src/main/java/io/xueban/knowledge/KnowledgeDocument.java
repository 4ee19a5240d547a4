package io.xueban.knowledge;

import java.time.Instant;
import java.util.List;

/** A library document and where its ingestion stands. */
record KnowledgeDocument(
        long id,
        long schoolId,
        long ownerId,
        String title,
        String fileName,
        SourceFormat format,
        long sizeBytes,
        String contentHash,
        Long subjectId,
        Integer grade,
        String unit,
        List<Long> kpIds,
        DocumentKind kind,
        String author,
        Visibility visibility,
        DocumentStatus status,
        int chunksTotal,
        int chunksDone,
        String errorCode,
        Instant createdAt,
        Instant updatedAt) {

    /** Who may find it: everyone in the school, or only its owner. */
    boolean visibleTo(long userId) {
        return visibility == Visibility.SCHOOL || ownerId == userId;
    }

    KnowledgeDocument withKps(List<Long> kps) {
        return new KnowledgeDocument(id, schoolId, ownerId, title, fileName, format, sizeBytes, contentHash,
                subjectId, grade, unit, kps, kind, author, visibility, status, chunksTotal, chunksDone, errorCode,
                createdAt, updatedAt);
    }
}
