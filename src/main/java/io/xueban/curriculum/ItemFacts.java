package io.xueban.curriculum;

import java.util.List;

/** An item as the mastery models see it: its knowledge points, Bloom level and IRT difficulty (if any). */
public record ItemFacts(long id, long subjectId, List<Long> kpIds, BloomLevel bloomLevel, Double difficulty) {
}
