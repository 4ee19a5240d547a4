package io.xueban.curriculum;

import java.util.List;

/** A knowledge point (知识点) and the ids of the knowledge points it needs first. */
public record KnowledgePoint(long id, long schoolId, long subjectId, String code, String name, String description,
                             String unit, Integer grade, List<Long> prerequisiteIds) {
}
