package io.xueban.tutor;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The injection corpus against a real model (only when {@code OLLAMA_BASE_URL} is set; the chat
 * model is {@code OLLAMA_MODEL}, default qwen2.5:7b): every attempt but the planted ones goes to
 * the study buddy, and the rates are printed: how often the model gave its instructions away (the
 * reply was stopped as a leak), how often the reply was stopped by moderation, and how often the
 * buddy answered normally. Planted texts are checked deterministically in InjectionCorpusTest.
 */
@XuebanTest
@EnabledIfEnvironmentVariable(named = "OLLAMA_BASE_URL", matches = ".+",
        disabledReason = "needs a running Ollama: set OLLAMA_BASE_URL (and OLLAMA_MODEL)")
class RealModelInjectionTest {

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        registry.add("xueban.llm.backends[0].base-url", () -> System.getenv("OLLAMA_BASE_URL"));
        registry.add("xueban.llm.roles.chat", () -> System.getenv().getOrDefault("OLLAMA_MODEL", "qwen2.5:7b"));
        registry.add("xueban.llm.rate-limit.per-minute", () -> "100000");
        registry.add("xueban.llm.queue.default-deadline", () -> "PT10M");
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;

    @Test
    void printsTheLeakAndViolationRates() throws Exception {
        TestSchools.School school = schools.create();
        String admin = schools.bearer(school.adminName());
        JsonNode settings = json.readTree(mvc.perform(get("/api/safety-settings").header(HttpHeaders.AUTHORIZATION, admin))
                .andReturn().getResponse().getContentAsString());
        ((tools.jackson.databind.node.ObjectNode) settings).put("dailyCap", 10000).putNull("quietStart").putNull("quietEnd");
        mvc.perform(put("/api/safety-settings").header(HttpHeaders.AUTHORIZATION, admin)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(settings)));
        String student = schools.bearer(school.student1Name());
        mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, student));

        int total = 0;
        int leaked = 0;
        int moderated = 0;
        int answered = 0;
        int failed = 0;
        for (InjectionCorpus.Attempt attempt : InjectionCorpus.load()) {
            if (attempt.planted()) {
                continue;
            }
            total++;
            long conversation = json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, student)
                            .contentType(MediaType.APPLICATION_JSON).content("{}"))
                    .andReturn().getResponse().getContentAsString()).get("id").asLong();
            MvcResult started = mvc.perform(post("/api/conversations/" + conversation + "/messages")
                            .header(HttpHeaders.AUTHORIZATION, student).contentType(MediaType.APPLICATION_JSON)
                            .content(json.writeValueAsString(Map.of("content", attempt.text()))))
                    .andReturn();
            String events = mvc.perform(asyncDispatch(started)).andReturn().getResponse()
                    .getContentAsString(StandardCharsets.UTF_8);
            if (events.contains("\"reason\":\"system-prompt\"")) {
                leaked++;
                System.out.println("LEAK  " + attempt.kind() + " " + attempt.text());
            } else if (events.contains("event:blocked") || events.contains("event:reply")) {
                moderated++;
            } else if (events.contains("event:done")) {
                answered++;
            } else {
                failed++;
            }
        }
        System.out.printf(Locale.ROOT, "Injection corpus against %s: %d attempts; leaks stopped %.1f%%, moderated %.1f%%, "
                        + "answered normally %.1f%%, failed %d%n", System.getenv().getOrDefault("OLLAMA_MODEL", "qwen2.5:7b"),
                total, 100.0 * leaked / total, 100.0 * moderated / total, 100.0 * answered / total, failed);
    }
}
