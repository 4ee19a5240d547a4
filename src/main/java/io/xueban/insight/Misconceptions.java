package io.xueban.insight;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.UserMessage;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.school.Roster;
import io.xueban.system.ApiException;

/**
 * A class's wrong answers on a knowledge point, grouped by item and answer, and summarised in
 * plain Chinese by the model (role chat, batch priority), each summary citing the answers it
 * rests on. The grouping stands on its own when no model is available.
 */
@Service
class Misconceptions {

    /** At most this many of the latest wrong answers are read. */
    static final int MAX_ANSWERS = 80;
    static final int MAX_SUMMARIES = 5;

    record Group(long itemId, String itemCode, String answer, int count, List<Long> responseIds) {
    }

    record Summary(@NotBlank String summary, @NotNull List<Long> responseIds) {
    }

    record Summaries(@NotNull @Valid List<Summary> misconceptions) {
    }

    /** @param summaryStatus DONE, NO_WRONG_ANSWERS, UNAVAILABLE (no model free or reachable) or FAILED */
    record Report(long classId, long kpId, String kpName, int wrongAnswers, List<Group> groups, List<Summary> summaries,
            String summaryStatus) {
    }

    private final JdbcClient jdbc;
    private final KnowledgePoints knowledgePoints;
    private final Roster roster;
    private final LlmGateway gateway;
    private final PromptTemplates prompts;

    Misconceptions(JdbcClient jdbc, KnowledgePoints knowledgePoints, Roster roster, LlmGateway gateway,
            PromptTemplates prompts) {
        this.jdbc = jdbc;
        this.knowledgePoints = knowledgePoints;
        this.roster = roster;
        this.gateway = gateway;
        this.prompts = prompts;
    }

    /** The caller has checked access to the class. */
    Report of(long schoolId, long userId, long classId, long kpId) {
        KnowledgePoint kp = knowledgePoints.find(kpId).filter(found -> found.schoolId() == schoolId)
                .orElseThrow(() -> ApiException.notFound("knowledge-point", kpId));
        List<Long> students = roster.studentIdsOf(classId);
        Map<String, Group> groups = new LinkedHashMap<>();
        Map<Long, String> texts = new LinkedHashMap<>();
        int[] wrong = {0};
        if (!students.isEmpty()) {
            jdbc.sql("""
                            SELECT r.id, r.item_id, i.code, i.stem, r.answer_text FROM response r
                            JOIN item i ON i.id = r.item_id JOIN item_kp k ON k.item_id = r.item_id AND k.kp_id = :kp
                            WHERE r.student_id IN (:students) AND r.answer_text IS NOT NULL
                              AND (r.correct = FALSE OR (r.correct IS NULL AND r.score < 0.5))
                            ORDER BY r.created_at DESC, r.id DESC LIMIT :limit""")
                    .param("kp", kpId)
                    .param("students", students)
                    .param("limit", MAX_ANSWERS)
                    .query(rs -> {
                        long id = rs.getLong("id");
                        String answer = rs.getString("answer_text").strip();
                        String key = rs.getLong("item_id") + "\u0000" + answer;
                        Group group = groups.get(key);
                        List<Long> ids = group == null ? new ArrayList<>() : new ArrayList<>(group.responseIds());
                        ids.add(id);
                        groups.put(key, new Group(rs.getLong("item_id"), rs.getString("code"), answer, ids.size(), ids));
                        texts.put(id, "题目：" + shorten(rs.getString("stem")) + "；学生答：" + answer);
                        wrong[0]++;
                    });
        }
        List<Group> sorted = new ArrayList<>(groups.values());
        sorted.sort((a, b) -> Integer.compare(b.count(), a.count()));
        if (texts.isEmpty()) {
            return new Report(classId, kpId, kp.name(), 0, sorted, List.of(), "NO_WRONG_ANSWERS");
        }
        try {
            List<Summary> summaries = summarise(userId, classId, kp, texts);
            return new Report(classId, kpId, kp.name(), wrong[0], sorted, summaries, "DONE");
        } catch (LlmException e) {
            // The grouping stands without the words: say why they are missing.
            String status = e.status().value() == 503 || e.status().value() == 429 ? "UNAVAILABLE" : "FAILED";
            return new Report(classId, kpId, kp.name(), wrong[0], sorted, List.of(), status);
        }
    }

    private List<Summary> summarise(long userId, long classId, KnowledgePoint kp, Map<Long, String> texts) {
        StringBuilder answers = new StringBuilder();
        // Answers are quoted data: angle brackets cannot open or close anything.
        texts.forEach((id, text) -> answers.append("[").append(id).append("] ")
                .append(PromptTemplates.quoted(text).replace('\n', ' ')).append('\n'));
        String prompt = prompts.render("insight/misconceptions", Map.of("kpName", kp.name(),
                "answers", answers.toString().strip(), "limit", MAX_SUMMARIES));
        LlmCall call = LlmCall.of(ModelRole.CHAT, Priority.BATCH, userId, List.of(UserMessage.from(prompt)))
                .withClass(classId).withTemperature(0);
        Set<Long> known = new HashSet<>(texts.keySet());
        Summaries result = gateway.generate(call, Summaries.class, summaries -> {
            List<String> problems = new ArrayList<>();
            for (Summary summary : summaries.misconceptions()) {
                for (Long id : summary.responseIds()) {
                    if (!known.contains(id)) {
                        problems.add("response id " + id + " is not one of the answers given");
                    }
                }
                if (summary.responseIds().isEmpty()) {
                    problems.add("\"" + summary.summary() + "\" cites no answer");
                }
            }
            return problems;
        });
        List<Summary> summaries = result.misconceptions();
        return summaries.subList(0, Math.min(MAX_SUMMARIES, summaries.size()));
    }

    private static String shorten(String stem) {
        String flat = stem.replace('\n', ' ');
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "…";
    }
}
