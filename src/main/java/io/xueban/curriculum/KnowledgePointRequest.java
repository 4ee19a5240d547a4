package io.xueban.curriculum;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A knowledge point as a client creates or replaces it. */
public record KnowledgePointRequest(
        @NotNull Long subjectId,
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "{xueban.code.pattern}") String code,
        @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        @Size(max = 200) String unit,
        @Min(1) @Max(12) Integer grade,
        @Size(max = 100) List<@NotNull Long> prerequisiteIds) {

    List<Long> prerequisiteIdsOrEmpty() {
        return prerequisiteIds == null ? List.of() : prerequisiteIds;
    }
}
