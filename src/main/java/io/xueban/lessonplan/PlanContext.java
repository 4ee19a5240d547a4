package io.xueban.lessonplan;

import java.util.List;

/**
 * What a plan was written from, kept with it: the class and lesson, the class's figures (学情),
 * its tiers, the library passages retrieved for the request and the bank items offered. Checks,
 * exports and later regenerations read it, so they judge the plan against what the model was
 * actually given ({@code sourcesPrompt} is the passages exactly as they were put in the prompt).
 */
record PlanContext(
        String className,
        int grade,
        String subjectName,
        String topic,
        String lessonType,
        int duration,
        String teacherNotes,
        String exemplarCitation,
        List<Point> knowledgePoints,
        int students,
        List<Figure> figures,
        List<TierInfo> tiers,
        List<Source> sources,
        List<OfferedItem> items,
        String sourcesPrompt) {

    record Point(long id, String code, String name) {
    }

    /** One figure of the class profile, as the model was shown it (for instance "平均掌握度: 63%"). */
    record Figure(String label, String value) {
    }

    record TierInfo(String code, String label, int students, int meanMasteryPercent) {
    }

    /** A retrieved passage: {@code label} is what the plan cites ("S1"), {@code citation} where it comes from. */
    record Source(String label, long chunkId, long documentId, String citation, String text) {
    }

    record OfferedItem(long id, String code, String type, String stem, List<Long> kpIds, String bloomLevel,
            Double difficulty) {
    }
}
