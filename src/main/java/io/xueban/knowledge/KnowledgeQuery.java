package io.xueban.knowledge;

import java.util.Set;

/**
 * A search of one school's library.
 *
 * @param viewerId whose private documents may be found too; null for school-visible ones only
 *     (for instance when tutoring a student)
 * @param subjectId, grade, kpIds, kinds, documentIds optional narrowing; empty sets mean "any"
 */
public record KnowledgeQuery(long schoolId, Long viewerId, String text, Long subjectId, Integer grade,
        Set<Long> kpIds, Set<DocumentKind> kinds, int limit, Set<Long> documentIds) {

    public KnowledgeQuery(long schoolId, Long viewerId, String text, Long subjectId, Integer grade, Set<Long> kpIds,
            Set<DocumentKind> kinds, int limit) {
        this(schoolId, viewerId, text, subjectId, grade, kpIds, kinds, limit, Set.of());
    }

    public KnowledgeQuery {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a knowledge query needs text");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        kpIds = kpIds == null ? Set.of() : Set.copyOf(kpIds);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        documentIds = documentIds == null ? Set.of() : Set.copyOf(documentIds);
    }

    /** Passages visible to the whole school, up to {@code limit}. */
    public static KnowledgeQuery of(long schoolId, String text, int limit) {
        return new KnowledgeQuery(schoolId, null, text, null, null, Set.of(), Set.of(), limit);
    }

    public KnowledgeQuery viewer(long userId) {
        return new KnowledgeQuery(schoolId, userId, text, subjectId, grade, kpIds, kinds, limit, documentIds);
    }

    public KnowledgeQuery subject(Long id) {
        return new KnowledgeQuery(schoolId, viewerId, text, id, grade, kpIds, kinds, limit, documentIds);
    }

    public KnowledgeQuery grade(Integer value) {
        return new KnowledgeQuery(schoolId, viewerId, text, subjectId, value, kpIds, kinds, limit, documentIds);
    }

    public KnowledgeQuery knowledgePoints(Set<Long> ids) {
        return new KnowledgeQuery(schoolId, viewerId, text, subjectId, grade, ids, kinds, limit, documentIds);
    }

    /** Only passages of these documents (an exemplar a teacher chose, say). */
    public KnowledgeQuery documents(Set<Long> ids) {
        return new KnowledgeQuery(schoolId, viewerId, text, subjectId, grade, kpIds, kinds, limit, ids);
    }

    public KnowledgeQuery kinds(Set<DocumentKind> values) {
        return new KnowledgeQuery(schoolId, viewerId, text, subjectId, grade, kpIds, values, limit, documentIds);
    }
}
