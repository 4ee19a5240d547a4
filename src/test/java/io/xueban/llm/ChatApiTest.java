package io.xueban.llm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.xueban.TestSchools;
import tools.jackson.databind.json.JsonMapper;

import static io.xueban.llm.LlmGatewayTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** The streamed chat over real HTTP and SSE, against the scripted model server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(TestSchools.class)
class ChatApiTest {

    static final ScriptedModelServer SERVER = start();

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        // A list property is bound from one source as a whole: name every field.
        registry.add("xueban.llm.backends[0].name", () -> "ollama");
        registry.add("xueban.llm.backends[0].kind", () -> "ollama");
        registry.add("xueban.llm.backends[0].base-url", SERVER::ollamaUrl);
        registry.add("xueban.llm.backends[0].slots", () -> 2);
        registry.add("xueban.llm.queue.expected-call-time", () -> "10s");
        registry.add("xueban.llm.queue.default-deadline", () -> "5s");
        registry.add("xueban.llm.probe-interval", () -> "200ms");
    }

    private static ScriptedModelServer start() {
        try {
            return new ScriptedModelServer().parallel(2);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        SERVER.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    TestSchools schools;
    @Autowired
    LlmGateway gateway;
    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();
    TestSchools.School school;

    @BeforeEach
    void reset() throws InterruptedException {
        SERVER.reset();
        SERVER.firstTokenMillis(20).tokensPerSecond(200).replyTokens(5);
        school = schools.create();
        eventually(() -> gateway.backends().all().getFirst().health().status() == Backend.Health.Status.UP, 2000);
    }

    @Test
    void teacherGetsAStreamOfTokensWithoutTheThinking() throws Exception {
        SERVER.when("勾股", ScriptedModelServer.Reply.of("<think>想一想</think>直角三角形两直角边的平方和等于斜边的平方。"));

        HttpResponse<InputStream> response = chat(school.teacher1Name(), "什么是勾股定理？");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String[]> events = readEvents(response.body(), Integer.MAX_VALUE);
        assertThat(events.getFirst()[0]).isEqualTo("start");
        assertThat(events.getLast()[0]).isEqualTo("done");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e[0].equals("token"))
                .forEach(e -> text.append(json.readTree(e[1]).get("text").asString()));
        assertThat(text.toString()).isEqualTo("直角三角形两直角边的平方和等于斜边的平方。");
        assertThat(json.readTree(events.getLast()[1]).get("backend").asString()).isEqualTo("ollama");
    }

    @Test
    void overloadIsRefusedAtOnceWith429AndRetryAfter() throws Exception {
        SERVER.firstTokenMillis(3000);
        HttpResponse<InputStream> first = chat(school.teacher1Name(), "慢一点");
        HttpResponse<InputStream> second = chat(school.teacher2Name(), "慢一点");

        long start = System.nanoTime();
        HttpResponse<InputStream> third = chat(school.adminName(), "我也要");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(third.headers().firstValue("retry-after").orElseThrow())).isGreaterThanOrEqualTo(10);
        assertThat(new String(third.body().readAllBytes(), StandardCharsets.UTF_8)).contains("llm-overloaded");
        assertThat(millis).isLessThan(1000);
        first.body().close();
        second.body().close();
        eventually(() -> SERVER.inFlight() == 0, 1000);
    }

    @Test
    void aClientThatHangsUpFreesTheModelServerWithin500Milliseconds() throws Exception {
        SERVER.tokensPerSecond(5).replyTokens(100);
        HttpResponse<InputStream> response = chat(school.teacher1Name(), "讲一个很长的故事");
        readEvents(response.body(), 2); // start and the first token

        long start = System.nanoTime();
        response.body().close();
        eventually(() -> SERVER.inFlight() == 0, 500);
        eventually(() -> gateway.inFlight(gateway.backends().all().getFirst()) == 0, 500);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(500);
        assertThat(SERVER.hangUps()).isEqualTo(1);
    }

    @Test
    void studentsUseTheStudyBuddyNotTheOpenChat() throws Exception {
        HttpResponse<InputStream> response = chat(school.student1Name(), "你好");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).contains("chat-not-for-students");
    }

    private HttpResponse<InputStream> chat(String user, String text) throws Exception {
        String body = json.writeValueAsString(java.util.Map.of("messages",
                List.of(java.util.Map.of("role", "user", "content", text))));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/ai/chat"))
                .header("Authorization", schools.bearer(user))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads up to {@code max} SSE events as [name, data]. */
    private static List<String[]> readEvents(InputStream body, int max) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        List<String[]> events = new ArrayList<>();
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5));
            } else if (line.isEmpty() && name != null) {
                events.add(new String[] {name, data.toString()});
                name = null;
                data.setLength(0);
                if (events.size() >= max) {
                    return events;
                }
            }
        }
        return events;
    }
}
