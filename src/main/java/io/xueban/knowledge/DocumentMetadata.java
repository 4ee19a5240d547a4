package io.xueban.knowledge;

import java.util.List;

/** What a teacher says about a document when uploading it. */
public record DocumentMetadata(
        String title,
        Long subjectId,
        Integer grade,
        String unit,
        List<Long> kpIds,
        DocumentKind kind,
        String author,
        Visibility visibility) {
}
