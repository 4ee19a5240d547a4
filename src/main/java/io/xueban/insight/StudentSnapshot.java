package io.xueban.insight;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A student as the mastery model sees them right now, for features that plan on it (learning
 * paths): mastery per knowledge point, the predicted chance of answering each item right, and
 * the answers so far (oldest first).
 */
public record StudentSnapshot(long studentId, Map<Long, KnowledgePointState> knowledgePoints,
        Map<Long, Double> itemSuccess, List<Answer> answers) {

    public record KnowledgePointState(double probability, MasteryLevel level, int attempts) {
    }

    public record Answer(long itemId, List<Long> kpIds, boolean correct, Instant at) {
    }
}
