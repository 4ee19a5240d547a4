package io.xueban.lessonplan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.langchain4j.data.message.UserMessage;
import io.xueban.bench.BenchApp;
import io.xueban.demo.DemoSchool;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;

/**
 * Lesson plan quality against a real model (a command, not a test; run it with
 * {@code OLLAMA_BASE_URL=http://host:11434 bench/lesson-plans}): the demo teacher of 初二(1)班 asks
 * for one plan per topic of the demo unit; each plan is written through the service as the API
 * would, its rule checks recorded (written or failed, citations dropped, time), then judged by
 * the model (role chat) on a rubric. Prints a table.
 */
public final class LessonPlanQualityBenchmark {

    /** Topics of the demo unit, by their knowledge point codes. */
    static final List<String> TOPICS = List.of("M8-SR-1", "M8-SR-6", "M8-SR-10", "M8-PY-1", "M8-PY-3", "M8-PY-6", "M8-PY-9");

    record Rubric(@Min(1) @Max(5) int structure, @Min(1) @Max(5) int adaptation, @Min(1) @Max(5) int accuracy,
            @Min(1) @Max(5) int practicality, @NotBlank String comment) {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getenv("OLLAMA_BASE_URL");
        if (url == null || url.isBlank()) {
            System.out.println("Set OLLAMA_BASE_URL (and OLLAMA_REASONING_MODEL / OLLAMA_CHAT_MODEL to choose models): "
                    + "this benchmark needs a real model.");
            return;
        }
        List<String> settings = new ArrayList<>(List.of("--xueban.llm.backends[0].base-url=" + url,
                "--xueban.llm.timeouts.total=PT15M", "--xueban.llm.queue.default-deadline=PT30M"));
        if (System.getenv("OLLAMA_REASONING_MODEL") != null) {
            settings.add("--xueban.llm.roles.reasoning=" + System.getenv("OLLAMA_REASONING_MODEL"));
        }
        if (System.getenv("OLLAMA_CHAT_MODEL") != null) {
            settings.add("--xueban.llm.roles.chat=" + System.getenv("OLLAMA_CHAT_MODEL"));
        }
        ConfigurableApplicationContext app = BenchApp.start("lesson-plans", settings.toArray(String[]::new));
        try {
            run(app);
        } finally {
            app.close();
        }
    }

    private static void run(ConfigurableApplicationContext app) throws Exception {
        app.getBean(DemoSchool.class).load();
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        while (jdbc.sql("SELECT COUNT(*) FROM kb_document WHERE status IN ('PENDING', 'PROCESSING')")
                .query(Long.class).single() > 0) {
            Thread.sleep(250);
        }
        long school = jdbc.sql("SELECT id FROM school WHERE code = 'demo'").query(Long.class).single();
        long teacher = jdbc.sql("SELECT id FROM app_user WHERE username = 'wang.laoshi'").query(Long.class).single();
        long classId = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = '初二(1)班'").param(school)
                .query(Long.class).single();
        long subject = jdbc.sql("SELECT id FROM subject WHERE school_id = ?").param(school).query(Long.class).single();
        CurrentUser me = new CurrentUser(teacher, school, "wang.laoshi", "王老师", Role.TEACHER);

        LessonPlanService service = app.getBean(LessonPlanService.class);
        LessonPlanStore store = app.getBean(LessonPlanStore.class);
        LessonPlanVersions versions = app.getBean(LessonPlanVersions.class);
        LlmGateway gateway = app.getBean(LlmGateway.class);
        PromptTemplates prompts = app.getBean(PromptTemplates.class);

        System.out.printf(Locale.ROOT, "%-10s %-28s %-8s %6s %5s  %s%n", "topic", "title", "status", "secs", "flags",
                "rubric (structure/adaptation/accuracy/practicality) and comment");
        int written = 0;
        for (String code : TOPICS) {
            Map<String, Object> kp = jdbc.sql("SELECT id, name FROM knowledge_point WHERE school_id = ? AND code = ?")
                    .params(school, code).query().singleRow();
            LessonPlanRequest request = new LessonPlanRequest(classId, subject, (String) kp.get("name"),
                    List.of(((Number) kp.get("id")).longValue()), "新授课", 45, null, null);
            long start = System.nanoTime();
            long id = service.start(me, request, null).planId();
            LessonPlanStore.Plan plan = store.find(id).orElseThrow();
            while (plan.status() == LessonPlanStore.Status.GENERATING) {
                Thread.sleep(500);
                plan = store.find(id).orElseThrow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (plan.status() != LessonPlanStore.Status.READY) {
                System.out.printf(Locale.ROOT, "%-10s %-28s %-8s %6.0f %5s  %s%n", code, "", "FAILED", seconds, "",
                        plan.failure());
                continue;
            }
            written++;
            LessonPlanStore.Version version = versions.current(plan);
            String markdown = LessonPlanMarkdown.render(versions.inputs(plan, plan.context(), version));
            String rubric;
            try {
                Rubric r = gateway.generate(LlmCall.of(ModelRole.CHAT, Priority.BATCH, teacher, List.of(UserMessage.from(
                                prompts.render("lesson-plan/rubric", Map.of("figures", plan.context().figures().stream()
                                                .map(f -> f.label() + "：" + f.value()).collect(Collectors.joining("\n")),
                                        "plan", PromptTemplates.quoted(markdown))))))
                        .withTemperature(0), Rubric.class, x -> List.of());
                rubric = r.structure() + "/" + r.adaptation() + "/" + r.accuracy() + "/" + r.practicality() + "  "
                        + r.comment().replace('\n', ' ');
            } catch (LlmException e) {
                rubric = "(not judged: " + e.code() + ")";
            }
            System.out.printf(Locale.ROOT, "%-10s %-28s %-8s %6.0f %5d  %s%n", code, version.content().title(), "READY",
                    seconds, version.flags().size(), rubric);
        }
        System.out.printf(Locale.ROOT, "%d of %d plans passed every check (after at most one repair)%n", written, TOPICS.size());
    }
}
