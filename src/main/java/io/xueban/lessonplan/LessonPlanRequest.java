package io.xueban.lessonplan;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A teacher's request for a lesson plan.
 *
 * @param topic 课题; with no {@code kpIds}, the subject's points named in it are the lesson's
 * @param lessonType one of {@link #LESSON_TYPES}
 * @param duration minutes
 * @param notes the teacher's own wishes, passed to the model as quoted data
 * @param exemplarDocumentId a library document (a lesson design) the plan should follow most closely
 */
record LessonPlanRequest(
        @NotNull Long classId,
        @NotNull Long subjectId,
        @Size(max = 200) String topic,
        @Size(max = 20) List<@NotNull Long> kpIds,
        @NotBlank String lessonType,
        @NotNull @Min(10) @Max(180) Integer duration,
        @Size(max = 2000) String notes,
        Long exemplarDocumentId) {

    static final List<String> LESSON_TYPES = List.of("新授课", "复习课", "习题课", "实验课", "讲评课", "活动课");

    List<Long> points() {
        return kpIds == null ? List.of() : kpIds;
    }
}
