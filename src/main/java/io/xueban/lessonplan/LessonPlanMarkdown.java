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

    /**
     * The students' copy (学生练习单): the plan's title, its 课堂检测 and 分层作业 items with their
     * options, and no keys or explanations; the AI label stays.
     */
    static String worksheet(Inputs in) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(in.draft().title()).append("（学生练习单）\n\n");
        md.append("> ").append(AI_LABEL).append("\n\n");
        worksheetSections(in).forEach((heading, body) -> md.append("## ").append(heading).append("\n\n").append(body)
                .append("\n\n"));
        return md.toString().strip() + "\n";
    }

    /** The sections of the students' copy: 课堂检测 and 分层作业 under the template's headings, without keys. */
    static Map<String, String> worksheetSections(Inputs in) {
        Map<String, String> sections = new LinkedHashMap<>();
        for (LessonTemplates.Heading heading : in.headings()) {
            if (heading.section() == Section.EXIT_TICKET || heading.section() == Section.HOMEWORK) {
                sections.put(heading.title(), body(heading.section(), in, false).strip());
            }
        }
        return sections;
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
        return body(section, in, true);
    }

    /** A section's body; {@code keys}: with the items' answers and explanations (the teacher's copy). */
    static String body(Section section, Inputs in, boolean keys) {
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
                    md.append(n++).append(". ").append(item(id, in.items(), keys)).append('\n');
                }
                for (LessonDraft.NewItem item : d.exitTicket().newItems()) {
                    md.append(n++).append(". ");
                    if (keys) {
                        md.append("【新编题，未入题库】").append(item.stem().strip()).append("（答案：")
                                .append(item.answer().strip()).append("；知识点：").append(points(item.kpIds(), c)).append("）\n");
                    } else {
                        md.append(item.stem().strip()).append('\n');
                    }
                }
            }
            case HOMEWORK -> {
                tier(md, "BASIC", "基础", d.homework().basic(), in, keys);
                tier(md, "CORE", "提高", d.homework().core(), in, keys);
                tier(md, "EXTENDED", "拓展", d.homework().extended(), in, keys);
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

    private static void tier(StringBuilder md, String code, String label, LessonDraft.HomeworkTier tier, Inputs in,
            boolean keys) {
        PlanContext.TierInfo info = in.context().tiers().stream().filter(t -> t.code().equals(code)).findFirst().orElse(null);
        md.append("### ").append(label);
        if (info != null && keys) {
            md.append("（").append(info.students()).append(" 名学生，平均掌握度 ").append(info.meanMasteryPercent())
                    .append("%）");
        }
        md.append("\n\n");
        tier.tasks().forEach(t -> md.append("- ").append(t).append('\n'));
        tier.itemIds().forEach(id -> md.append("- 练习：").append(item(id, in.items(), keys)).append('\n'));
        md.append('\n');
    }

    /**
     * A bank item as a list entry: its stem (and, for the teacher, its code), the options of a
     * choice item on the next line, then the key and the explanation for the teacher. Lines after
     * the first are indented, so they stay in the list entry, and the line before ends in a hard
     * break (two spaces), so they start a line where it is shown.
     */
    private static String item(long id, Map<Long, ItemFacts> items, boolean keys) {
        ItemFacts item = items.get(id);
        if (item == null) {
            return "题目 " + id + "（已不在题库中）";
        }
        StringBuilder text = new StringBuilder(item.stem().strip().replace('\n', ' '));
        if (keys) {
            text.append("（题库 ").append(item.code()).append("）");
        }
        if (item.options() != null && !item.options().isEmpty()) {
            text.append("  \n   ");
            for (int i = 0; i < item.options().size(); i++) {
                text.append(i == 0 ? "" : "　").append((char) ('A' + i)).append(". ").append(item.options().get(i).strip());
            }
        }
        if (keys) {
            text.append("  \n   答案：").append(item.answerKey() == null ? "（无）" : item.answerKey().strip());
            if (item.explanation() != null && !item.explanation().isBlank()) {
                text.append("；解析：").append(item.explanation().strip().replace('\n', ' '));
            }
        }
        return text.toString();
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
