package io.xueban.curriculum;

import java.time.Instant;
import java.util.List;

/** A question of the school's item bank, with its answer key and the knowledge points it tests. */
record Item(long id, long subjectId, String code, ItemType type, String stem, List<String> options,
            String answerKey, Double difficulty, BloomLevel bloomLevel, List<Long> kpIds,
            Instant createdAt, Instant updatedAt) {
}
