package io.xueban.assignment;

import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A new assignment for a class: either its items and the students it is for (all of the class
 * when none are named), or its parts, each with items of its own for some of the students (the
 * tiers of 分层作业, groups, or one part per student for 每人一份).
 *
 * @param kind homework (the default) or a live in-class check
 * @param lessonPlanId the lesson plan that set the work, if any (its teacher's or an admin's)
 * @param showAnswers when students see the right answers (default: after submitting)
 * @param allowLate whether answers are taken after the due time (default: no)
 * @param attempts how many times a student may hand it in (default 1; the last attempt counts)
 */
record AssignmentRequest(
        @NotNull Long classId,
        @NotBlank @Size(max = 200) String title,
        @Size(max = 2000) String note,
        @Size(max = 100) List<@NotNull Long> itemIds,
        @Size(max = 2000) List<@NotNull Long> studentIds,
        @Size(max = 2000) List<@NotNull @Valid Part> parts,
        AssignmentStore.Kind kind,
        Long lessonPlanId,
        Instant opensAt,
        Instant dueAt,
        AssignmentStore.ShowAnswers showAnswers,
        Boolean allowLate,
        @Min(1) @Max(10) Integer attempts) {

    /** @param label what the teacher calls it (基础组, 提高组…), shown to the teacher only */
    record Part(@Size(max = 100) String label, @NotEmpty @Size(max = 100) List<@NotNull Long> itemIds,
            @NotEmpty @Size(max = 2000) List<@NotNull Long> studentIds) {
    }
}
