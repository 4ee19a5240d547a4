package io.xueban.knowledge;

import java.util.List;

/** A stored passage with what the index needs to filter and cite it. */
record IndexedChunk(
        long chunkId,
        long documentId,
        long schoolId,
        long ownerId,
        Visibility visibility,
        Long subjectId,
        Integer grade,
        DocumentKind kind,
        List<Long> kpIds,
        String title,
        String author,
        String headingPath,
        Integer page,
        String text,
        float[] embedding) {
}
