package io.xueban.knowledge;

import java.time.Instant;
import java.util.List;

/** A library document as the API shows it; {@code error} explains a failed ingestion. */
record DocumentView(
        long id,
        String title,
        String fileName,
        SourceFormat format,
        long sizeBytes,
        Long subjectId,
        Integer grade,
        String unit,
        List<Long> kpIds,
        DocumentKind kind,
        String author,
        Visibility visibility,
        long ownerId,
        DocumentStatus status,
        Progress progress,
        Error error,
        Instant createdAt,
        Instant updatedAt,
        boolean duplicate) {

    record Progress(int chunksDone, int chunksTotal) {
    }

    record Error(String code, String message) {
    }
}
