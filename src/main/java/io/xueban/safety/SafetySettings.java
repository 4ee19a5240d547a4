package io.xueban.safety;

import java.time.LocalTime;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A school's safety settings for its students' use of AI.
 *
 * @param strictness LOW: keyword lists only; MEDIUM: the model classifier also reads what students
 *     send; HIGH: it reads the replies too
 * @param dailyCap messages a student may send per day (anti-addiction)
 * @param quietStart, quietEnd "HH:mm": no chatting in between (overnight when start > end); null: none
 * @param retentionDays conversations older than this are deleted
 * @param answerAfter the buddy may give the final answer to an assigned item after this many of
 *     the student's attempts at it (0: never)
 * @param supportContacts who a student in distress is pointed to, shown as written
 * @param keywords phrases per category that flag a message on their own
 * @param alertAdmins whether admins receive alerts too (teachers of the student's classes always do)
 * @param breakAfterMinutes a student chatting this long without a pause is reminded to take a break
 *     (0: never; left out of a change: {@link #DEFAULT_BREAK_AFTER})
 */
public record SafetySettings(
        @NotNull Strictness strictness,
        @Min(1) @Max(10000) int dailyCap,
        @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d") String quietStart,
        @Pattern(regexp = "([01]\\d|2[0-3]):[0-5]\\d") String quietEnd,
        @Min(1) @Max(3650) int retentionDays,
        @Min(0) @Max(100) int answerAfter,
        @NotNull @Size(max = 20) List<@Size(max = 200) String> supportContacts,
        @NotNull Map<Category, @Size(max = 500) List<@Size(min = 1, max = 50) String>> keywords,
        boolean alertAdmins,
        @Min(0) @Max(600) Integer breakAfterMinutes) {

    public static final int DEFAULT_BREAK_AFTER = 120;

    public SafetySettings {
        breakAfterMinutes = breakAfterMinutes == null ? DEFAULT_BREAK_AFTER : breakAfterMinutes;
    }

    public enum Strictness { LOW, MEDIUM, HIGH }

    /** True when chatting is closed at this local time. */
    public boolean quietAt(LocalTime time) {
        if (quietStart == null || quietEnd == null) {
            return false;
        }
        LocalTime start = LocalTime.parse(quietStart);
        LocalTime end = LocalTime.parse(quietEnd);
        return start.isBefore(end) ? !time.isBefore(start) && time.isBefore(end)
                : !time.isBefore(start) || time.isBefore(end);
    }
}
