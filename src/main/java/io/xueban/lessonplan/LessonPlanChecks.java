package io.xueban.lessonplan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.xueban.curriculum.ItemFacts;

/**
 * The rules a plan must keep before anyone sees it, each a sentence the model (on a repair) or
 * the teacher (on an edit) can act on. Pure: the plan, what it was written from and the school's
 * items come in; problems come out.
 *
 * <ul>
 *   <li>the stages' minutes add up to the lesson's duration;</li>
 *   <li>every objective names knowledge points of the request, and only those;</li>
 *   <li>exit-ticket and homework items exist in the school's bank, in the subject, on the lesson's points;</li>
 *   <li>学情分析 quotes no figure that is not in the class profile;</li>
 *   <li>citations ({@link #citationProblems}) name only passages retrieved for the request.</li>
 * </ul>
 */
final class LessonPlanChecks {

    /** A citation inside the text: [S3]. */
    static final Pattern INLINE_CITATION = Pattern.compile("\\[(S\\d+)]");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

    private LessonPlanChecks() {
    }

    /** Problems that make a plan unusable; citations are judged apart ({@link #citationProblems}). */
    static List<String> problems(LessonDraft draft, PlanContext context, long subjectId, Map<Long, ItemFacts> schoolItems) {
        List<String> problems = new ArrayList<>();
        int minutes = draft.process().stream().mapToInt(LessonDraft.Stage::minutes).sum();
        if (minutes != context.duration()) {
            problems.add("教学过程各环节的时间加起来是 " + minutes + " 分钟，必须正好等于课时 " + context.duration() + " 分钟");
        }
        Set<Long> points = new LinkedHashSet<>();
        context.knowledgePoints().forEach(kp -> points.add(kp.id()));
        for (LessonDraft.Objective objective : draft.objectives()) {
            for (Long kp : objective.kpIds()) {
                if (!points.contains(kp)) {
                    problems.add("教学目标“" + shorten(objective.text()) + "”关联的知识点 id " + kp
                            + " 不是本课的知识点；只能用 " + points);
                }
            }
        }
        for (LessonDraft.NewItem item : draft.exitTicket().newItems()) {
            for (Long kp : item.kpIds()) {
                if (!points.contains(kp)) {
                    problems.add("新编题“" + shorten(item.stem()) + "”关联的知识点 id " + kp + " 不是本课的知识点；只能用 " + points);
                }
            }
        }
        checkItems("课堂检测", draft.exitTicket().itemIds(), points, subjectId, schoolItems, problems);
        checkItems("基础层作业", draft.homework().basic().itemIds(), points, subjectId, schoolItems, problems);
        checkItems("提高层作业", draft.homework().core().itemIds(), points, subjectId, schoolItems, problems);
        checkItems("拓展层作业", draft.homework().extended().itemIds(), points, subjectId, schoolItems, problems);
        Set<String> unknown = new LinkedHashSet<>(numbers(INLINE_CITATION.matcher(draft.learnerAnalysis()).replaceAll("")));
        unknown.removeAll(allowedNumbers(context));
        if (!unknown.isEmpty()) {
            problems.add("学情分析中的数字 " + String.join("、", unknown)
                    + " 不在给出的班级学情数据里；只能引用给出的数据，不要自己估计或编造数字");
        }
        return problems;
    }

    private static void checkItems(String where, List<Long> itemIds, Set<Long> points, long subjectId,
            Map<Long, ItemFacts> schoolItems, List<String> problems) {
        for (Long id : itemIds) {
            ItemFacts item = schoolItems.get(id);
            if (item == null) {
                problems.add(where + "中的题目 id " + id + " 不在本校题库中；只能用给出的题目 id，新题请写在 newItems 里");
            } else if (item.subjectId() != subjectId || item.kpIds().stream().noneMatch(points::contains)) {
                problems.add(where + "中的题目 " + item.code() + "（id " + id + "）不考查本课的知识点");
            }
        }
    }

    /** Citations of passages that were not given with the request: in the references and inside the text. */
    static List<String> citationProblems(LessonDraft draft, PlanContext context) {
        Set<String> known = labels(context);
        Set<String> wrong = new LinkedHashSet<>();
        for (LessonDraft.Reference reference : draft.references()) {
            if (!known.contains(reference.source().strip())) {
                wrong.add(reference.source().strip());
            }
        }
        for (String text : texts(draft)) {
            Matcher m = INLINE_CITATION.matcher(text);
            while (m.find()) {
                if (!known.contains(m.group(1))) {
                    wrong.add(m.group(1));
                }
            }
        }
        return wrong.stream()
                .map(label -> "引用了不存在的资料 " + label + "；只能引用给出的资料编号 " + known)
                .toList();
    }

    /** The plan without citations of passages it was not given, and a flag for each one dropped. */
    static Cleaned withoutUnknownCitations(LessonDraft draft, PlanContext context) {
        Set<String> known = labels(context);
        Set<String> dropped = new LinkedHashSet<>();
        List<LessonDraft.Reference> references = new ArrayList<>();
        for (LessonDraft.Reference reference : draft.references()) {
            if (known.contains(reference.source().strip())) {
                references.add(new LessonDraft.Reference(reference.source().strip(), reference.usedFor()));
            } else {
                dropped.add(reference.source().strip());
            }
        }
        java.util.function.UnaryOperator<String> clean = text -> {
            Matcher m = INLINE_CITATION.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                if (known.contains(m.group(1))) {
                    m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                } else {
                    dropped.add(m.group(1));
                    m.appendReplacement(out, "");
                }
            }
            return m.appendTail(out).toString();
        };
        LessonDraft cleaned = new LessonDraft(draft.title(),
                draft.objectives().stream().map(o -> new LessonDraft.Objective(clean.apply(o.text()), o.kpIds())).toList(),
                draft.keyPoints().stream().map(clean).toList(),
                draft.difficulties().stream().map(clean).toList(),
                clean.apply(draft.learnerAnalysis()),
                draft.preparation().stream().map(clean).toList(),
                draft.process().stream().map(s -> new LessonDraft.Stage(s.name(), s.minutes(), clean.apply(s.teacherActivities()),
                        clean.apply(s.studentActivities()), clean.apply(s.intent()))).toList(),
                clean.apply(draft.boardDesign()), draft.exitTicket(), draft.homework(), references);
        List<String> flags = dropped.stream()
                .map(label -> "模型引用了本次没有检索到的资料 " + label + "，修正一次后仍然如此，该引用已删除")
                .toList();
        return new Cleaned(cleaned, flags);
    }

    record Cleaned(LessonDraft draft, List<String> flags) {
    }

    private static Set<String> labels(PlanContext context) {
        Set<String> labels = new HashSet<>();
        context.sources().forEach(source -> labels.add(source.label()));
        return labels;
    }

    /** The free-text fields of a plan, where inline citations may appear. */
    private static List<String> texts(LessonDraft draft) {
        List<String> texts = new ArrayList<>();
        draft.objectives().forEach(o -> texts.add(o.text()));
        texts.addAll(draft.keyPoints());
        texts.addAll(draft.difficulties());
        texts.add(draft.learnerAnalysis());
        texts.addAll(draft.preparation());
        draft.process().forEach(s -> {
            texts.add(s.teacherActivities());
            texts.add(s.studentActivities());
            texts.add(s.intent());
        });
        texts.add(draft.boardDesign());
        return texts;
    }

    /** Every figure the model was shown about the class and lesson, as the numbers it may quote. */
    static Set<String> allowedNumbers(PlanContext context) {
        Set<String> allowed = new HashSet<>();
        StringBuilder shown = new StringBuilder();
        context.figures().forEach(f -> shown.append(f.label()).append(' ').append(f.value()).append('\n'));
        context.tiers().forEach(t -> shown.append(t.students()).append(' ').append(t.meanMasteryPercent()).append('\n'));
        context.knowledgePoints().forEach(kp -> shown.append(kp.code()).append(' ').append(kp.name()).append('\n'));
        shown.append(context.className()).append(' ').append(context.grade()).append(' ').append(context.duration())
                .append(' ').append(context.students());
        allowed.addAll(numbers(shown.toString()));
        return allowed;
    }

    static List<String> numbers(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            found.add(normalise(m.group()));
        }
        return found;
    }

    /** "63.0" and "63" are the same figure. */
    private static String normalise(String number) {
        return number.contains(".") ? number.replaceAll("0+$", "").replaceAll("\\.$", "") : number;
    }

    private static String shorten(String text) {
        String flat = text.replace('\n', ' ');
        return flat.length() <= 30 ? flat : flat.substring(0, 30) + "…";
    }
}
