package io.xueban.tutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official {@code openai} client from npm (src/test/node, installed by .ci/run, or here on
 * first use) talks to the running app on a real port: it lists the models, streams a reply of
 * the study buddy, continues the conversation, and is refused a model it may not use.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(TestSchools.class)
class OpenAiClientTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();
    static final Path CLIENT = Path.of("src/test/node");

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
    }

    @BeforeAll
    static void installClient() throws Exception {
        if (!Files.isDirectory(CLIENT.resolve("node_modules/openai"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
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

    @Test
    void theOfficialClientStreamsAReplyFromTheBuddy() throws Exception {
        TestSchools.School school = schools.create();
        String token = schools.token(school.student1Name());
        mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isOk());
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
        SERVER.firstTokenMillis(5).tokensPerSecond(2000);
        SERVER.when("还有呢", ScriptedModelServer.Reply.of("再想想斜边和直角边的关系。"))
                .when("勾股定理", ScriptedModelServer.Reply.of("先画一个直角三角形，标出三条边。"));

        JsonNode seen = json.readTree(run(List.of("node", "chat.mjs", "勾股定理是什么？"), 120,
                "XUEBAN_URL", "http://127.0.0.1:" + port, "XUEBAN_TOKEN", token, "XUEBAN_MODEL", "xueban-buddy"));

        assertThat(seen.get("models")).extracting(JsonNode::asString).containsExactly("xueban-buddy");
        assertThat(seen.get("streamed").asString()).isEqualTo("先画一个直角三角形，标出三条边。");
        assertThat(seen.get("chunks").asInt()).isGreaterThan(1);
        assertThat(seen.get("finish").asString()).isEqualTo("stop");
        assertThat(seen.get("whole").asString()).isEqualTo("再想想斜边和直角边的关系。");
        assertThat(seen.get("refused").get("status").asInt()).isEqualTo(404);
        // Both turns are one stored conversation, moderated and kept like any other.
        assertThat(schools.rows("conversation", school.id())).isEqualTo(1);
        assertThat(schools.rows("message", school.id())).isEqualTo(4);
    }

    /** Runs a command in the client's directory and returns its standard output; fails on a non-zero exit. */
    static String run(List<String> command, int seconds, String... env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s exit code; output: %s", command, text).isZero();
        return text;
    }
}
