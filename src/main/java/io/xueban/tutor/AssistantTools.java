package io.xueban.tutor;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.xueban.assignment.AssignmentDrafts;
import io.xueban.curriculum.ItemFacts;
import io.xueban.insight.ClassProfile;
import io.xueban.insight.ClassProfiles;
import io.xueban.insight.StudentSnapshot;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/**
 * The teacher assistant's tools, made for one request and run with that teacher's permissions:
 * every tool asks {@link AccessPolicy} first, and a refusal is what the model is told (it cannot
 * reach another class's data by asking differently). The tools read, or start a lesson plan or a
 * draft assignment the teacher then reviews and publishes; none writes grades, rosters or accounts.
 */
final class AssistantTools {

    private final CurrentUser me;
    private final AssistantToolbox box;

    AssistantTools(CurrentUser me, AssistantToolbox box) {
        this.me = me;
        this.box = box;
    }

    @Tool("班级概况：人数、各知识点平均掌握度、三个层次的人数")
    String classOverview(@P("班级 id") long classId) {
        return guarded(() -> {
            box.access.checkClass(me, classId);
            ClassProfile profile = box.profiles.profileOf(me.schoolId(), classId, null);
            StringBuilder text = new StringBuilder("班级人数：" + profile.students() + "\n");
            profile.knowledgePoints().stream()
                    .sorted(Comparator.comparingDouble(ClassProfile.KnowledgePointProfile::meanMastery))
                    .limit(10)
                    .forEach(kp -> text.append(kp.code()).append(" ").append(kp.name()).append("：平均掌握度 ")
                            .append(Math.round(kp.meanMastery() * 100)).append("%\n"));
            profile.tiers().forEach(tier -> text.append(tier.label()).append("层：").append(tier.studentIds().size())
                    .append(" 人\n"));
            return text.toString().strip();
        });
    }

    @Tool("需要关注的学生：在指定知识点上掌握不足的学生及其薄弱点")
    String studentsAtRisk(@P("班级 id") long classId, @P("知识点 id 列表") List<Long> kpIds) {
        return guarded(() -> {
            box.access.checkClass(me, classId);
            List<ClassProfiles.AtRisk> students = box.profiles.atRisk(me.schoolId(), classId, Set.copyOf(kpIds), null);
            if (students.isEmpty()) {
                return "没有需要特别关注的学生。";
            }
            return students.stream()
                    .map(s -> s.name() + "：" + s.weak().stream()
                            .map(w -> w.name() + " " + Math.round(w.probability() * 100) + "%")
                            .collect(Collectors.joining("、")))
                    .collect(Collectors.joining("\n"));
        });
    }

    @Tool("班级在某个知识点上的常见错误（多人选择的错误选项）")
    String misconceptions(@P("班级 id") long classId, @P("知识点 id") long kpId) {
        return guarded(() -> {
            box.access.checkClass(me, classId);
            List<ClassProfile.Misconception> found = box.profiles.profileOf(me.schoolId(), classId, null).misconceptions()
                    .stream().filter(m -> m.kpIds().contains(kpId)).toList();
            if (found.isEmpty()) {
                return "这个知识点上没有多人共有的错误选项。";
            }
            return found.stream()
                    .map(m -> "题目 " + m.itemCode() + " 选 " + m.option() + (m.optionText() == null ? "" : "（" + m.optionText() + "）")
                            + "：" + m.chosenBy() + " 人，占 " + Math.round(m.share() * 100) + "%")
                    .collect(Collectors.joining("\n"));
        });
    }

    @Tool("从本校题库为某个知识点组一份课堂检测：按难度由易到难选题，返回题目 id、编码和题干")
    String exitTicket(@P("知识点 id") long kpId, @P("题目数量，1 到 10") int count) {
        return guarded(() -> {
            if (box.knowledgePoints.existing(me.schoolId(), List.of(kpId)).isEmpty()) {
                throw ApiException.notFound("knowledge-point", kpId);
            }
            List<ItemFacts> chosen = box.items.facts(me.schoolId()).stream()
                    .filter(item -> item.kpIds().contains(kpId))
                    .sorted(Comparator.comparingDouble((ItemFacts item) -> item.difficulty() == null ? 0 : item.difficulty())
                            .thenComparingLong(ItemFacts::id))
                    .limit(Math.max(1, Math.min(10, count)))
                    .toList();
            if (chosen.isEmpty()) {
                return "题库中没有考查这个知识点的题目。";
            }
            return chosen.stream().map(item -> "id " + item.id() + "（" + item.code() + "）：" + item.stem().strip())
                    .collect(Collectors.joining("\n"));
        });
    }

    @Tool("某位学生的学习情况摘要（用于起草给家长的沟通短信）：掌握较好和较薄弱的知识点")
    String studentSummary(@P("学生 id") long studentId) {
        return guarded(() -> {
            box.access.checkStudent(me, studentId);
            StudentSnapshot snapshot = box.mastery.snapshot(me.schoolId(), studentId);
            Map<Long, String> names = box.knowledgePoints.list(me.schoolId(), null).stream()
                    .collect(Collectors.toMap(KnowledgePoint::id, KnowledgePoint::name));
            List<Map.Entry<Long, StudentSnapshot.KnowledgePointState>> practised = snapshot.knowledgePoints().entrySet()
                    .stream().filter(e -> e.getValue().attempts() > 0 && names.containsKey(e.getKey()))
                    .sorted(Comparator.comparingDouble(e -> e.getValue().probability()))
                    .toList();
            if (practised.isEmpty()) {
                return "这位学生还没有作答记录。";
            }
            String weak = practised.stream().limit(3).map(e -> names.get(e.getKey())).collect(Collectors.joining("、"));
            String strong = practised.reversed().stream().limit(3).map(e -> names.get(e.getKey()))
                    .collect(Collectors.joining("、"));
            return "作答 " + snapshot.answers().size() + " 次；掌握较好：" + strong + "；较薄弱：" + weak;
        });
    }

    @Tool("为老师任教的班级起草一份教学设计（后台生成，返回教学设计编号，老师可在教学设计页面查看和修改）")
    String draftLessonPlan(@P("班级 id") long classId, @P("课题") String topic, @P("知识点 id 列表") List<Long> kpIds,
            @P("课时（分钟），通常 40 或 45") int minutes) {
        return guarded(() -> {
            long plan = box.lessonPlans.draft(me, classId, topic, kpIds, "新授课", minutes);
            return "已开始起草教学设计，编号 " + plan + "，几分钟后可在“教学设计”中查看（GET /api/lesson-plans/" + plan + "）。";
        });
    }

    @Tool("为老师任教的班级起草一份作业（草稿，不会发给学生；老师在“作业与检测”里检查后发布），返回作业编号")
    String draftAssignment(@P("班级 id") long classId, @P("作业标题") String title, @P("题目 id 列表，来自本校题库") List<Long> itemIds) {
        return guarded(() -> {
            long id = box.assignments.draft(me, classId, title, itemIds);
            return "已起草作业（草稿），编号 " + id + "，共 " + itemIds.size() + " 道题。请老师在“作业与检测”页面检查后发布（/assignments/" + id + "）。";
        });
    }

    @Tool("某个班级最近布置的作业和检测：编号、标题、类型、状态、学生数")
    String recentAssignments(@P("班级 id") long classId) {
        return guarded(() -> {
            List<AssignmentDrafts.Summary> recent = box.assignments.recent(me, classId, 10);
            if (recent.isEmpty()) {
                return "这个班还没有布置过作业。";
            }
            return recent.stream().map(a -> "编号 " + a.id() + "：" + a.title() + "（" + (a.kind().equals("LIVE") ? "课堂检测" : "作业")
                    + "，" + switch (a.status()) {
                        case "DRAFT" -> "草稿";
                        case "PUBLISHED" -> "进行中";
                        default -> "已结束";
                    } + "，" + a.students() + " 名学生）").collect(Collectors.joining("\n"));
        });
    }

    @Tool("总结一份作业或检测的结果：提交人数、未交的学生、平均得分、正确率最低的题目")
    String summariseResults(@P("作业编号") long assignmentId) {
        return guarded(() -> {
            AssignmentDrafts.ResultsSummary r = box.assignments.results(me, assignmentId);
            return "「" + r.title() + "」：" + r.students() + " 名学生中 " + r.submitted() + " 人已提交（迟交 " + r.late() + " 人）"
                    + (r.missing().isEmpty() ? "，没有未交的学生" : "；未交：" + String.join("、", r.missing()))
                    + (r.meanScore() == null ? "" : "；平均得分 " + Math.round(r.meanScore() * 100) + "%")
                    + (r.weakest().isEmpty() ? "" : "；正确率最低的题目：" + String.join("、", r.weakest())) + "。";
        });
    }

    /** A refusal (another class, another school) is told to the model in words, not thrown past it. */
    private static String guarded(java.util.function.Supplier<String> tool) {
        try {
            return tool.get();
        } catch (ApiException e) {
            return "拒绝：无权查看或不存在（" + e.code() + "）。只能查看你任教班级的数据。";
        }
    }
}
