package io.xueban.curriculum;

import java.time.Instant;
import java.util.List;

/**
 * A question of the school's item bank, with its answer key, its explanation (解析) for students
 * who have answered, and the knowledge points it tests.
 * {@code difficulty} and {@code discrimination} are IRT parameters; {@code calibrationModel}
 * says which calibration produced them (null for a teacher's own difficulty estimate).
 */
record Item(long id, long subjectId, String code, ItemType type, String stem, List<String> options,
            String answerKey, String explanation, Double difficulty, Double discrimination, String calibrationModel,
            BloomLevel bloomLevel, List<Long> kpIds, Instant createdAt, Instant updatedAt) {
}
