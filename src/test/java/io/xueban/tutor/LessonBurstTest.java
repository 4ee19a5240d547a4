package io.xueban.tutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The start of a lesson: a class sends its first messages to the buddy at the same moment, far
 * more than the model (two slots) and the door can take. Over real HTTP, every student is either
 * streamed a reply (told first when they wait) or refused at once with 429, a Retry-After and a
 * sentence; nobody gets a 5xx or a dropped connection, and a refused message leaves nothing stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(TestSchools.class)
class LessonBurstTest {

    static final int STUDENTS = 60;
    static final ScriptedModelServer SERVER = ScriptedBackend.start();

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
        // A short deadline and a small door, so that a class of 60 is already a burst.
        registry.add("xueban.llm.queue.default-deadline", () -> "2s");
        registry.add("xueban.llm.queue.expected-call-time", () -> "500ms");
        registry.add("xueban.http.door.permits", () -> "2");
        registry.add("xueban.http.door.max-waiting", () -> "10");
        registry.add("xueban.http.door.max-wait", () -> "300ms");
    }

    @AfterAll
    static void stop() throws IOException {
        SERVER.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

    record Outcome(int status, String retryAfter, String contentType, String body, long conversation) {
    }

    @Test
    void aClassArrivingAtOnceIsServedOrToldToComeBackAndNothingHalfWrittenStays() throws Exception {
        TestSchools.School school = schools.create();
        List<String> tokens = new ArrayList<>();
        List<Long> conversations = new ArrayList<>();
        for (String name : schools.moreStudents(school, STUDENTS)) {
            String bearer = schools.bearer(name);
            mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, bearer)).andExpect(status().isOk());
            conversations.add(json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, bearer)
                            .contentType(MediaType.APPLICATION_JSON).content("{}"))
                    .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString()).get("id").asLong());
            tokens.add(bearer);
        }
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
        SERVER.reset();
        SERVER.firstTokenMillis(200).tokensPerSecond(50).replyTokens(10);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Outcome>> sent = new ArrayList<>();
        try (ExecutorService students = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < STUDENTS; i++) {
                String bearer = tokens.get(i);
                long conversation = conversations.get(i);
                sent.add(students.submit(() -> {
                    start.await();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/api/conversations/" + conversation + "/messages"))
                            .header("Authorization", bearer).header("Content-Type", "application/json")
                            .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"老师，勾股定理怎么证明？\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return new Outcome(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                            response.headers().firstValue("Content-Type").orElse(""), response.body(), conversation);
                }));
            }
            start.countDown();
        }

        int served = 0;
        int refused = 0;
        for (Future<Outcome> future : sent) {
            Outcome outcome = future.get(); // a dropped connection would throw here
            assertThat(outcome.status()).as(outcome.body()).isIn(200, 429);
            int stored = jdbc.sql("SELECT COUNT(*) FROM message WHERE conversation_id = ?").param(outcome.conversation())
                    .query(Integer.class).single();
            if (outcome.status() == 429) {
                refused++;
                assertThat(outcome.retryAfter()).as("Retry-After").isNotNull();
                assertThat(Long.parseLong(outcome.retryAfter())).isPositive();
                assertThat(outcome.contentType()).startsWith("application/problem+json");
                assertThat(outcome.body()).contains("请").contains("秒后再试");
                assertThat(stored).as("a refused message leaves nothing behind").isZero();
            } else {
                served++;
                // Streamed to the end, or told in the stream that its wait ran out: never a broken stream.
                assertThat(outcome.body()).contains("event:message").containsAnyOf("event:done", "event:error");
                assertThat(stored).isEqualTo(2);
            }
        }
        // The burst was larger than what could be served, and the model was still used to the full.
        assertThat(refused).isPositive();
        assertThat(served).isPositive();
        assertThat(SERVER.rejectedOverLimit()).as("the model server was never overloaded").isZero();
    }
}
