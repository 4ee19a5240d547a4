package io.xueban.knowledge;

import java.util.Set;

/**
 * A passage of the library found for a query.
 *
 * @param score the fused score (higher is better); only comparable within one result list
 * @param matchedBy which searches found it: "keyword", "vector" or both
 */
public record Passage(long chunkId, String text, Citation citation, double score, Set<String> matchedBy) {
}
