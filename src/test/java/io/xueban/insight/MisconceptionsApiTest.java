package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Wrong answers grouped and summarised by the (scripted) model, citing only answers it was given. */
@XuebanTest
class MisconceptionsApiTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
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

    TestSchools.School school;
    List<Long> wrong;

    @BeforeEach
    void answers() throws Exception {
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(1000).replyTokens(5);
        school = schools.create();
        for (String answer : List.of("9", "9", "-3", "3")) {
            mvc.perform(post("/api/responses").contentType(MediaType.APPLICATION_JSON)
                            .content("{\"studentId\":%d,\"itemId\":%d,\"answer\":\"%s\"}".formatted(school.student1(),
                                    school.fillInItem(), answer))
                            .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                    .andExpect(status().isCreated());
        }
        wrong = new ArrayList<>();
        JsonNode responses = json.readTree(mvc.perform(get("/api/students/" + school.student1() + "/responses")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andReturn().getResponse().getContentAsString());
        responses.forEach(r -> {
            if (!r.get("correct").asBoolean()) {
                wrong.add(r.get("id").asLong());
            }
        });
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
    }

    @Test
    void wrongAnswersAreGroupedAndSummarisedWithCitations() throws Exception {
        SERVER.when("迷思概念", ScriptedModelServer.Reply.of("""
                {"misconceptions":[{"summary":"把 √9 的结果写成 9：没有开方，只抄了被开方数。","responseIds":[%d,%d]}]}"""
                .formatted(wrong.get(0), wrong.get(1))));

        JsonNode report = report(school.teacher1Name());

        assertThat(report.get("wrongAnswers").asInt()).isEqualTo(3);
        assertThat(report.get("groups").get(0).get("answer").asString()).isEqualTo("9");
        assertThat(report.get("groups").get(0).get("count").asInt()).isEqualTo(2);
        assertThat(report.get("summaryStatus").asString()).isEqualTo("DONE");
        assertThat(report.get("summaries").get(0).get("summary").asString()).contains("没有开方");
        // The model read the wrong answers, numbered, and nothing else of the student.
        String prompt = SERVER.prompts().getLast();
        for (long id : wrong) {
            assertThat(prompt).contains("[" + id + "]");
        }
        assertThat(prompt).doesNotContain("学生答：3\n");
    }

    @Test
    void aSummaryCitingAnswersItWasNotGivenIsNotShown() throws Exception {
        SERVER.when("迷思概念", ScriptedModelServer.Reply.of("""
                {"misconceptions":[{"summary":"编造的结论。","responseIds":[999999999]}]}"""));

        JsonNode report = report(school.teacher1Name());

        assertThat(report.get("summaryStatus").asString()).isEqualTo("FAILED");
        assertThat(report.get("summaries")).isEmpty();
        assertThat(report.get("groups")).hasSize(2);
    }

    @Test
    void onlyTheClassesTeachersMayAsk() throws Exception {
        mvc.perform(get("/api/classes/" + school.class1() + "/misconceptions").param("kpId", Long.toString(school.kp1()))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher2Name())))
                .andExpect(status().isForbidden());
    }

    private JsonNode report(String user) throws Exception {
        return json.readTree(mvc.perform(get("/api/classes/" + school.class1() + "/misconceptions")
                        .param("kpId", Long.toString(school.kp1()))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(user)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

}
