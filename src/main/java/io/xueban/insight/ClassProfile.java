package io.xueban.insight;

import java.util.List;
import java.util.Map;

/**
 * What lesson planning needs to know about a class: mastery per knowledge point, the students in
 * three tiers for differentiated work (基础 / 提高 / 拓展), and the wrong answers many of them share.
 * All figures come from stored answers; none is estimated by a language model.
 */
public record ClassProfile(long classId, Long subjectId, int students, List<KnowledgePointProfile> knowledgePoints,
        List<Tier> tiers, List<Misconception> misconceptions) {

    public record KnowledgePointProfile(long kpId, String code, String name, double meanMastery,
            Map<MasteryLevel, Integer> levels) {
    }

    /** @param code BASIC (基础), CORE (提高) or EXTENDED (拓展) */
    public record Tier(String code, String label, List<Long> studentIds, double meanMastery) {
    }

    /** A wrong option of a choice item chosen by a sizeable share of the class. */
    public record Misconception(long itemId, String itemCode, List<Long> kpIds, String option, String optionText,
            int chosenBy, double share) {
    }
}
