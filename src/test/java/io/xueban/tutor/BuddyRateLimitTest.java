package io.xueban.tutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.json.JsonMapper;

/** The per-minute limit counts a student's messages to the buddy, one each, whatever a reply costs inside. */
@XuebanTest
class BuddyRateLimitTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();
    static final int PER_MINUTE = 4;

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
        registry.add("xueban.llm.rate-limit.per-minute", () -> PER_MINUTE);
    }

    @AfterAll
    static void stop() throws IOException {
        SERVER.close();
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;

    @Test
    void aStudentSendsAsManyMessagesAMinuteAsTheLimitSays() throws Exception {
        SERVER.firstTokenMillis(5).tokensPerSecond(2000).replyTokens(5);
        TestSchools.School school = schools.create();
        String student = schools.bearer(school.student1Name());
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
        mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, student)).andExpect(status().isOk());
        long conversation = json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, student)
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();

        for (int i = 0; i < PER_MINUTE; i++) {
            MvcResult started = send(student, conversation, "第 " + i + " 个问题：勾股定理怎么用？")
                    .andExpect(status().isOk()).andReturn();
            assertThat(mvc.perform(asyncDispatch(started)).andReturn().getResponse()
                    .getContentAsString(StandardCharsets.UTF_8)).as("message %d", i).contains("event:done");
        }
        send(student, conversation, "再问一个").andExpect(status().isTooManyRequests())
                .andExpect(jsonPath("$.code").value("llm-rate-limited"));
    }

    private org.springframework.test.web.servlet.ResultActions send(String bearer, long conversation, String text)
            throws Exception {
        return mvc.perform(post("/api/conversations/" + conversation + "/messages").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("content", text))));
    }
}
