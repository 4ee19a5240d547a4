package io.xueban.curriculum;

import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An item as a client creates or replaces it; rules that span fields are in {@link Items}.
 *
 * @param explanation 解析: why the key is right, shown to a student after answering (optional)
 */
public record ItemRequest(
        @NotNull Long subjectId,
        @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "{xueban.code.pattern}") String code,
        @NotNull ItemType type,
        @NotBlank @Size(max = 8000) String stem,
        @Size(max = 10) List<@NotBlank @Size(max = 1000) String> options,
        @NotBlank @Size(max = 8000) String answerKey,
        @DecimalMin("-6") @DecimalMax("6") Double difficulty,
        @NotNull BloomLevel bloomLevel,
        @NotEmpty @Size(max = 10) List<@NotNull Long> kpIds,
        @Size(max = 4000) String explanation) {
}
