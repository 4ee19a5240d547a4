package io.xueban.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.UserMessage;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;

/**
 * The path told to the student in the model's words (role chat), written only from the planned
 * steps and their reason codes. The model explains; it does not plan: a reply that adds, drops or
 * reorders a step is sent back once with the problem, then replaced by the planner's own
 * sentences, so the student is never shown a step the planner did not choose.
 */
@Service
class PathExplanations {

    record StepText(@NotBlank String kpCode, @NotBlank String text) {
    }

    record Written(@NotBlank String intro, @NotNull @Valid List<StepText> steps) {
    }

    /** Who wrote the words: the model, or the planner's sentences when no model could. */
    enum Source { MODEL, PLANNER }

    /**
     * @param status DONE, EMPTY (nothing to explain), UNAVAILABLE (no model free or reachable) or
     *     FAILED (the model's reply did not keep to the steps)
     */
    record Explanation(long studentId, Source source, String status, String intro, List<ExplainedStep> steps) {
    }

    record ExplainedStep(long kpId, String code, String text) {
    }

    private final LearningPaths paths;
    private final LlmGateway gateway;
    private final PromptTemplates prompts;
    private final MessageSource messages;

    PathExplanations(LearningPaths paths, LlmGateway gateway, PromptTemplates prompts, MessageSource messages) {
        this.paths = paths;
        this.gateway = gateway;
        this.prompts = prompts;
        this.messages = messages;
    }

    /** The caller has checked access to the student. */
    Explanation explain(CurrentUser me, long studentId, Long subjectId) {
        LearningPaths.Path path = paths.pathFor(me.schoolId(), studentId, subjectId);
        Locale locale = LocaleContextHolder.getLocale();
        if (path.steps().isEmpty()) {
            return new Explanation(studentId, Source.PLANNER, "EMPTY",
                    messages.getMessage("path.explained.empty", null, locale), List.of());
        }
        List<String> codes = path.steps().stream().map(LearningPaths.PathStep::code).toList();
        String prompt = prompts.render("path/explanation", Map.of(
                "language", Locale.ENGLISH.getLanguage().equals(locale.getLanguage()) ? "English" : "简体中文",
                "steps", describe(path.steps())));
        LlmCall call = LlmCall.of(ModelRole.CHAT, me.is(Role.STUDENT) ? Priority.STUDENT : Priority.TEACHER, me.id(),
                List.of(UserMessage.from(prompt))).withTemperature(0);
        try {
            Written written = gateway.generate(call, Written.class, reply -> keepsToTheSteps(reply, codes));
            List<ExplainedStep> steps = new ArrayList<>();
            for (int i = 0; i < codes.size(); i++) {
                steps.add(new ExplainedStep(path.steps().get(i).kpId(), codes.get(i), written.steps().get(i).text().strip()));
            }
            return new Explanation(studentId, Source.MODEL, "DONE", written.intro().strip(), steps);
        } catch (LlmException e) {
            String status = e.status().value() == 503 || e.status().value() == 429 ? "UNAVAILABLE" : "FAILED";
            return new Explanation(studentId, Source.PLANNER, status,
                    messages.getMessage("path.explained.planner", new Object[] {String.valueOf(codes.size())}, locale),
                    path.steps().stream().map(step -> new ExplainedStep(step.kpId(), step.code(), step.explanation()))
                            .toList());
        }
    }

    /** Problems with a reply that does not explain exactly these steps, in this order. */
    static List<String> keepsToTheSteps(Written reply, List<String> codes) {
        List<String> problems = new ArrayList<>();
        List<String> given = reply.steps().stream().map(step -> step.kpCode().strip()).toList();
        if (given.size() != codes.size()) {
            problems.add("there are " + codes.size() + " steps but " + given.size() + " explanations; give exactly one per step");
        }
        for (int i = 0; i < Math.min(given.size(), codes.size()); i++) {
            if (!given.get(i).equals(codes.get(i))) {
                problems.add("explanation " + (i + 1) + " is for " + given.get(i) + " but step " + (i + 1) + " is "
                        + codes.get(i));
            }
        }
        return problems;
    }

    /** The steps as data lines for the prompt; names are neutralised so they cannot open or close anything. */
    private static String describe(List<LearningPaths.PathStep> steps) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            LearningPaths.PathStep step = steps.get(i);
            text.append(i + 1).append(". 编号 ").append(step.code()).append("：").append(quoted(step.name()))
                    .append("；类型 ").append(step.kind()).append("；理由 ").append(step.reasons());
            if (step.recall() != null) {
                text.append("；记忆保持率约 ").append(Math.round(step.recall() * 100)).append("%");
            }
            if (step.teacherNote() != null) {
                text.append("；老师的说明：").append(quoted(step.teacherNote()));
            }
            text.append('\n');
        }
        return text.toString().strip();
    }

    private static String quoted(String text) {
        return PromptTemplates.quoted(text).replace('\n', ' ');
    }
}
