package io.xueban.lessonplan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.xueban.curriculum.ItemFacts;

/**
 * A plan as Markdown, in the school template's order and headings: the export, what joins the
 * library when a plan is accepted, and what versions are compared on. Always carries the AI label.
 */
final class LessonPlanMarkdown {

    static final String AI_LABEL = "本教学设计由AI辅助生成，请教师审核";

    private LessonPlanMarkdown() {
    }

    /** What a rendering needs besides the plan: what it was written from and the school's items by id. */
    record Inputs(LessonDraft draft, PlanContext context, List<LessonTemplates.Heading> headings, List<String> flags,
            Map<Long, ItemFacts> items) {
    }

    static String render(Inputs in) {
        StringBuilder md = new StringBuilder();
        PlanContext c = in.context();
        md.append("# ").append(in.draft().title()).append("\n\n");
        md.append("班级：").append(c.className()).append("　学科：").append(c.subjectName()).append("　课型：")
                .append(c.lessonType()).append("　课时：").append(c.duration()).append(" 分钟\n\n");
        md.append("> ").append(AI_LABEL).append("\n");
        for (String flag : in.flags()) {
            md.append(">\n> 注意：").append(flag).append('\n');
        }
        md.append('\n');
        sections(in).forEach((heading, body) -> md.append("## ").append(heading).append("\n\n").append(body).append("\n\n"));
        return md.toString().strip() + "\n";
    }

    /** Each section's heading and body, in the template's order. */
    static Map<String, String> sections(Inputs in) {
        Map<String, String> sections = new LinkedHashMap<>();
        for (LessonTemplates.Heading heading : in.headings()) {
            sections.put(heading.title(), body(heading.section(), in).strip());
        }
        return sections;
    }

    static String body(Section section, Inputs in) {
        LessonDraft d = in.draft();
        PlanContext c = in.context();
        StringBuilder md = new StringBuilder();
        switch (section) {
            case OBJECTIVES -> {
                for (int i = 0; i < d.objectives().size(); i++) {
                    LessonDraft.Objective o = d.objectives().get(i);
                    md.append(i + 1).append(". ").append(o.text()).append("（知识点：").append(points(o.kpIds(), c))
                            .append("）\n");
                }
            }
            case KEY_POINTS -> d.keyPoints().forEach(p -> md.append("- ").append(p).append('\n'));
            case DIFFICULTIES -> d.difficulties().forEach(p -> md.append("- ").append(p).append('\n'));
            case LEARNER_ANALYSIS -> {
                md.append(d.learnerAnalysis()).append("\n\n");
                md.append("| 班级数据 | 数值 |\n|---|---|\n");
                c.figures().forEach(f -> md.append("| ").append(cell(f.label())).append(" | ").append(cell(f.value()))
                        .append(" |\n"));
            }
            case PREPARATION -> d.preparation().forEach(p -> md.append("- ").append(p).append('\n'));
            case PROCESS -> {
                md.append("| 环节 | 时间 | 教师活动 | 学生活动 | 设计意图 |\n|---|---|---|---|---|\n");
                for (LessonDraft.Stage s : d.process()) {
                    md.append("| ").append(cell(s.name())).append(" | ").append(s.minutes()).append(" 分钟 | ")
                            .append(cell(s.teacherActivities())).append(" | ").append(cell(s.studentActivities()))
                            .append(" | ").append(cell(s.intent())).append(" |\n");
                }
                md.append("| 合计 | ").append(d.process().stream().mapToInt(LessonDraft.Stage::minutes).sum())
                        .append(" 分钟 |  |  |  |\n");
            }
            case BOARD_DESIGN -> md.append("```text\n").append(d.boardDesign().strip()).append("\n```\n");
            case EXIT_TICKET -> {
                int n = 1;
                for (long id : d.exitTicket().itemIds()) {
                    md.append(n++).append(". ").append(item(id, in.items())).append('\n');
                }
                for (LessonDraft.NewItem item : d.exitTicket().newItems()) {
                    md.append(n++).append(". 【新编题，未入题库】").append(item.stem().strip()).append("（答案：")
                            .append(item.answer().strip()).append("；知识点：").append(points(item.kpIds(), c)).append("）\n");
                }
            }
            case HOMEWORK -> {
                tier(md, "BASIC", "基础", d.homework().basic(), in);
                tier(md, "CORE", "提高", d.homework().core(), in);
                tier(md, "EXTENDED", "拓展", d.homework().extended(), in);
            }
            case REFERENCES -> {
                Map<String, PlanContext.Source> sources = c.sources().stream()
                        .collect(Collectors.toMap(PlanContext.Source::label, s -> s));
                for (LessonDraft.Reference r : d.references()) {
                    PlanContext.Source source = sources.get(r.source());
                    md.append("- [").append(r.source()).append("] ")
                            .append(source == null ? "（未知资料）" : source.citation()).append("：").append(r.usedFor())
                            .append('\n');
                }
            }
        }
        return md.toString();
    }

    private static void tier(StringBuilder md, String code, String label, LessonDraft.HomeworkTier tier, Inputs in) {
        PlanContext.TierInfo info = in.context().tiers().stream().filter(t -> t.code().equals(code)).findFirst().orElse(null);
        md.append("### ").append(label);
        if (info != null) {
            md.append("（").append(info.students()).append(" 名学生，平均掌握度 ").append(info.meanMasteryPercent())
                    .append("%）");
        }
        md.append("\n\n");
        tier.tasks().forEach(t -> md.append("- ").append(t).append('\n'));
        tier.itemIds().forEach(id -> md.append("- 练习：").append(item(id, in.items())).append('\n'));
        md.append('\n');
    }

    private static String item(long id, Map<Long, ItemFacts> items) {
        ItemFacts item = items.get(id);
        return item == null ? "题目 " + id + "（已不在题库中）"
                : item.stem().strip().replace('\n', ' ') + "（题库 " + item.code() + "）";
    }

    private static String points(List<Long> ids, PlanContext context) {
        return ids.stream()
                .map(id -> context.knowledgePoints().stream().filter(kp -> kp.id() == id).findFirst()
                        .map(kp -> kp.code() + " " + kp.name()).orElse("id " + id))
                .collect(Collectors.joining("、"));
    }

    /** Table cells stay on one line and cannot end the cell early. */
    private static String cell(String text) {
        return text.strip().replace("|", "｜").replace("\r", "").replace("\n", " ");
    }
}
