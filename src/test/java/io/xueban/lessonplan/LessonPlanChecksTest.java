package io.xueban.lessonplan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemType;

/** Each rule a plan must keep: a plan that keeps them passes, and breaking one is reported in words. */
class LessonPlanChecksTest {

    static final long SUBJECT = 1;
    static final long KP = 10;
    static final long OTHER_KP = 11;

    static final PlanContext CONTEXT = new PlanContext("初二(1)班", 8, "数学", "勾股定理", "新授课", 45, null, null,
            List.of(new PlanContext.Point(KP, "M8-PY-1", "勾股定理")), 40,
            List.of(new PlanContext.Figure("班级人数", "40 人"), new PlanContext.Figure("M8-PY-1 勾股定理 平均掌握度", "63%")),
            List.of(new PlanContext.TierInfo("BASIC", "基础", 13, 41)),
            List.of(new PlanContext.Source("S1", 5, 6, "《勾股定理》（陈慧敏）", "……")),
            List.of(), "");

    static final Map<Long, ItemFacts> ITEMS = Map.of(
            100L, item(100, SUBJECT, KP),
            101L, item(101, SUBJECT, OTHER_KP),
            102L, item(102, 2, KP));

    static ItemFacts item(long id, long subject, long kp) {
        return new ItemFacts(id, subject, "I-" + id, ItemType.FILL_IN, "题目 " + id, null, "5", null, List.of(kp),
                BloomLevel.APPLY, null);
    }

    static LessonDraft draft(List<LessonDraft.Stage> process, List<Long> objectiveKps, List<Long> exitItems,
            String analysis, List<LessonDraft.Reference> references) {
        LessonDraft.HomeworkTier tier = new LessonDraft.HomeworkTier(List.of("完成课本练习"), List.of());
        return new LessonDraft("勾股定理", List.of(new LessonDraft.Objective("理解勾股定理", objectiveKps)),
                List.of("勾股定理的内容"), List.of("定理的证明"), analysis, List.of("方格纸"), process, "a² + b² = c²",
                new LessonDraft.ExitTicket(exitItems, List.of()), new LessonDraft.Homework(tier, tier, tier), references);
    }

    static List<LessonDraft.Stage> stages(int... minutes) {
        return java.util.Arrays.stream(minutes)
                .mapToObj(m -> new LessonDraft.Stage("环节", m, "讲解", "练习", "巩固"))
                .toList();
    }

    static final LessonDraft GOOD = draft(stages(5, 25, 15), List.of(KP), List.of(100L),
            "全班 40 人，勾股定理的平均掌握度为 63%，基础层 13 人 [S1]。", List.of(new LessonDraft.Reference("S1", "导入")));

    @Test
    void aPlanThatKeepsEveryRulePasses() {
        assertThat(LessonPlanChecks.problems(GOOD, CONTEXT, SUBJECT, ITEMS)).isEmpty();
        assertThat(LessonPlanChecks.citationProblems(GOOD, CONTEXT)).isEmpty();
    }

    @Test
    void stageMinutesMustAddUpToTheDuration() {
        LessonDraft plan = draft(stages(5, 25, 10), List.of(KP), List.of(), "", List.of());
        assertThat(LessonPlanChecks.problems(withAnalysis(plan), CONTEXT, SUBJECT, ITEMS))
                .containsExactly("教学过程各环节的时间加起来是 40 分钟，必须正好等于课时 45 分钟");
    }

    @Test
    void objectivesNameOnlyTheLessonsPoints() {
        LessonDraft plan = draft(stages(45), List.of(KP, OTHER_KP), List.of(), "学情见下表。", List.of());
        assertThat(LessonPlanChecks.problems(plan, CONTEXT, SUBJECT, ITEMS)).singleElement().asString()
                .contains("知识点 id 11 不是本课的知识点");
    }

    @Test
    void exitTicketItemsExistInTheBankAndTestTheLessonsPoints() {
        LessonDraft plan = draft(stages(45), List.of(KP), List.of(100L, 101L, 102L, 999L), "学情见下表。", List.of());
        assertThat(LessonPlanChecks.problems(plan, CONTEXT, SUBJECT, ITEMS)).containsExactly(
                "课堂检测中的题目 I-101（id 101）不考查本课的知识点",
                "课堂检测中的题目 I-102（id 102）不考查本课的知识点",
                "课堂检测中的题目 id 999 不在本校题库中；只能用给出的题目 id，新题请写在 newItems 里");
    }

    @Test
    void theLearnerAnalysisQuotesOnlyFiguresOfTheProfile() {
        LessonDraft plan = draft(stages(45), List.of(KP), List.of(), "平均掌握度 63.0%，约 85% 的学生会用公式 [S1]。", List.of());
        assertThat(LessonPlanChecks.problems(plan, CONTEXT, SUBJECT, ITEMS)).singleElement().asString()
                .startsWith("学情分析中的数字 85 不在给出的班级学情数据里");
    }

    @Test
    void citationsNameOnlyPassagesThatWereRetrieved() {
        LessonDraft plan = draft(stages(45), List.of(KP), List.of(), "学情见下表 [S7]。",
                List.of(new LessonDraft.Reference("S1", "导入"), new LessonDraft.Reference("S3", "课程标准")));

        assertThat(LessonPlanChecks.citationProblems(plan, CONTEXT)).hasSize(2)
                .allMatch(problem -> problem.startsWith("引用了不存在的资料 S"));

        LessonPlanChecks.Cleaned cleaned = LessonPlanChecks.withoutUnknownCitations(plan, CONTEXT);
        assertThat(cleaned.draft().references()).extracting(LessonDraft.Reference::source).containsExactly("S1");
        assertThat(cleaned.draft().learnerAnalysis()).isEqualTo("学情见下表 。");
        assertThat(cleaned.flags()).hasSize(2).allMatch(flag -> flag.contains("该引用已删除"));
        assertThat(LessonPlanChecks.citationProblems(cleaned.draft(), CONTEXT)).isEmpty();
    }

    private static LessonDraft withAnalysis(LessonDraft plan) {
        return new LessonDraft(plan.title(), plan.objectives(), plan.keyPoints(), plan.difficulties(), "学情见下表。",
                plan.preparation(), plan.process(), plan.boardDesign(), plan.exitTicket(), plan.homework(), plan.references());
    }
}
