package io.xueban.curriculum;

import java.util.List;

/**
 * An item as learning insight sees it: what it tests (knowledge points, Bloom level), its IRT
 * difficulty if calibrated, and enough of its content to report on answers (choice options and
 * the key, and the explanation (解析) a student sees after answering).
 */
public record ItemFacts(long id, long subjectId, String code, ItemType type, String stem, List<String> options,
        String answerKey, String explanation, List<Long> kpIds, BloomLevel bloomLevel, Double difficulty) {
}
