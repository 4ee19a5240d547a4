package io.xueban.assignment;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A new assignment: for a class, its items in order, and the students it is for (all of the
 * class when none are named).
 *
 * @param showAnswers when students see the right answers (default: after submitting)
 * @param allowLate whether answers are taken after the due time (default: no)
 */
record AssignmentRequest(
        @NotNull Long classId,
        @NotBlank @Size(max = 200) String title,
        @Size(max = 2000) String note,
        @NotEmpty @Size(max = 100) List<@NotNull Long> itemIds,
        @Size(max = 2000) List<@NotNull Long> studentIds,
        Instant opensAt,
        Instant dueAt,
        Assignments.ShowAnswers showAnswers,
        Boolean allowLate) {
}
