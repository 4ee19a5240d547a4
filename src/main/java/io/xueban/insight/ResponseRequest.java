package io.xueban.insight;

import java.time.Instant;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * One answer. A student may leave out {@code studentId} (it is them). Leave out both
 * {@code correct} and {@code score} to have a choice or fill-in answer marked from the key.
 */
record ResponseRequest(
        Long studentId,
        @NotNull Long itemId,
        Boolean correct,
        @DecimalMin("0") @DecimalMax("1") Double score,
        @Size(max = 8000) String answer,
        @PositiveOrZero Long timeTakenMs,
        ResponseSource source,
        Instant answeredAt) {
}
