package io.xueban.insight;

import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/** What the vision model read in a photo of a student's work. */
record PhotoReading(
        @NotBlank String transcription,
        List<String> steps,
        @NotNull Boolean correct,
        @NotNull @DecimalMin("0") @DecimalMax("1") Double confidence,
        String feedback) {
}
