package io.xueban.lessonplan;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The written part of a lesson plan (教学设计): what the model writes and what a teacher edits.
 * Points, items and sources are named by id (knowledge point and item ids, source "S1"…), never
 * by invented text, so that every one of them can be checked.
 *
 * @param objectives 教学目标, each tied to knowledge points of the request
 * @param keyPoints 教学重点
 * @param difficulties 教学难点
 * @param learnerAnalysis 学情分析, quoting only figures of the class profile
 * @param preparation 教学准备
 * @param process 教学过程: stages whose minutes add up to the lesson's duration
 * @param boardDesign 板书设计
 * @param exitTicket 课堂检测: items of the school's bank, and new ones marked as new
 * @param homework 分层作业 for the class's three tiers
 * @param references 参考资料: sources given with the request, by their label
 */
record LessonDraft(
        @NotBlank @Size(max = 200) String title,
        @NotEmpty @Size(max = 10) @Valid List<Objective> objectives,
        @NotEmpty @Size(max = 10) List<@NotBlank String> keyPoints,
        @NotEmpty @Size(max = 10) List<@NotBlank String> difficulties,
        @NotBlank @Size(max = 4000) String learnerAnalysis,
        @NotNull @Size(max = 20) List<@NotBlank String> preparation,
        @NotEmpty @Size(max = 20) @Valid List<Stage> process,
        @NotBlank @Size(max = 4000) String boardDesign,
        @NotNull @Valid ExitTicket exitTicket,
        @NotNull @Valid Homework homework,
        @NotNull @Size(max = 30) @Valid List<Reference> references) {

    record Objective(@NotBlank @Size(max = 1000) String text, @NotEmpty List<@NotNull Long> kpIds) {
    }

    /** A stage of the lesson (导入, 新授, 练习, 小结…) with what teacher and students do, and why. */
    record Stage(@NotBlank @Size(max = 100) String name, @Min(1) @Max(300) int minutes,
            @NotBlank @Size(max = 4000) String teacherActivities, @NotBlank @Size(max = 4000) String studentActivities,
            @NotBlank @Size(max = 2000) String intent) {
    }

    /** Items of the school's bank by id, and new items written for this lesson (shown as new, not in the bank). */
    record ExitTicket(@NotNull @Size(max = 20) List<@NotNull Long> itemIds, @NotNull @Size(max = 10) @Valid List<NewItem> newItems) {
    }

    record NewItem(@NotBlank @Size(max = 2000) String stem, @NotBlank @Size(max = 1000) String answer,
            @NotEmpty List<@NotNull Long> kpIds) {
    }

    /** 基础 / 提高 / 拓展 */
    record Homework(@NotNull @Valid HomeworkTier basic, @NotNull @Valid HomeworkTier core,
            @NotNull @Valid HomeworkTier extended) {
    }

    record HomeworkTier(@NotEmpty @Size(max = 10) List<@NotBlank String> tasks, @NotNull @Size(max = 20) List<@NotNull Long> itemIds) {
    }

    /** @param source the label of a passage given with the request ("S1"…) */
    record Reference(@NotBlank @Size(max = 10) String source, @NotBlank @Size(max = 500) String usedFor) {
    }
}
