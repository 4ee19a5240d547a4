package io.xueban.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
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

/** Teachers' decisions on a path, the recorded history of paths, the model's explanation and the class view. */
@XuebanTest
class PathDecisionsApiTest {

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
    String teacher;

    @BeforeEach
    void school() {
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(1000).replyTokens(5);
        school = schools.create();
        teacher = schools.bearer(school.teacher1Name());
    }

    @Test
    void aPinnedPointLeadsThePathWithTheTeachersReason() throws Exception {
        decide(school.kp2(), "PIN", "下周单元测验要考二次根式").andExpect(status().isOk())
                .andExpect(jsonPath("$.action").value("PIN"))
                .andExpect(jsonPath("$.setByName").value("一班老师"));

        JsonNode first = path(school.student1Name()).get("steps").get(0);
        assertThat(first.get("kpId").asLong()).isEqualTo(school.kp2());
        assertThat(first.get("reasons")).extracting(JsonNode::asString).containsExactly("PINNED_BY_TEACHER");
        assertThat(first.get("teacherNote").asString()).isEqualTo("下周单元测验要考二次根式");
        assertThat(first.get("explanation").asString()).isEqualTo("老师安排现在先练习“二次根式的概念”。");

        mvc.perform(delete(overrideUrl(school.kp2())).header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isNoContent());
        assertThat(path(school.student1Name()).get("steps").get(0).get("kpId").asLong()).isEqualTo(school.kp1());
        mvc.perform(delete(overrideUrl(school.kp2())).header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isNotFound());
    }

    @Test
    void aSkippedPointLeavesThePathAndOpensTheWayToWhatNeedsIt() throws Exception {
        decide(school.kp1(), "SKIP", "课外已学过，口头检查过").andExpect(status().isOk());

        JsonNode path = path(school.student1Name());
        assertThat(path.get("steps")).extracting(step -> step.get("kpId").asLong()).doesNotContain(school.kp1());
        JsonNode first = path.get("steps").get(0);
        assertThat(first.get("kpId").asLong()).isEqualTo(school.kp2());
        assertThat(first.get("reasons")).extracting(JsonNode::asString).contains("PREREQUISITE_SKIPPED");
        assertThat(first.get("explanation").asString()).contains("已由老师安排跳过");
        assertThat(path.get("skipped").get(0).get("reason").asString()).isEqualTo("课外已学过，口头检查过");

        JsonNode listed = read("/api/students/" + school.student1() + "/path/overrides", school.student1Name());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("action").asString()).isEqualTo("SKIP");
    }

    @Test
    void decisionsNeedAReasonAPointOfTheSchoolAndATeacher() throws Exception {
        decide(school.kp1(), "SKIP", "  ").andExpect(status().isBadRequest());
        mvc.perform(put(overrideUrl(school.kp1())).header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"action\":\"LATER\",\"reason\":\"x\"}"))
                .andExpect(status().isBadRequest());
        decide(schools.create().kp1(), "PIN", "别的学校的知识点").andExpect(status().isNotFound());
        mvc.perform(put(overrideUrl(school.kp1())).header(HttpHeaders.AUTHORIZATION, schools.bearer(school.student1Name()))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"action\":\"SKIP\",\"reason\":\"我会了\"}"))
                .andExpect(status().isForbidden());
        assertThat(read("/api/students/" + school.student1() + "/path/overrides", teacher)).isEmpty();
    }

    @Test
    void pathsAreRecordedWhenAnAnswerOrADecisionChangesThem() throws Exception {
        answer(school.fillInItem(), "3");
        JsonNode history = read("/api/students/" + school.student1() + "/path/history", teacher);
        assertThat(history).isNotEmpty();
        assertThat(history.get(0).get("cause").asString()).isEqualTo("RESPONSE");
        assertThat(history.get(0).get("steps").get(0).get("explanation").asString()).isNotBlank();
        int recorded = history.size();

        decide(school.kp2(), "PIN", "先熟悉概念").andExpect(status().isOk());
        history = read("/api/students/" + school.student1() + "/path/history", teacher);
        assertThat(history).hasSize(recorded + 1);
        assertThat(history.get(0).get("cause").asString()).isEqualTo("TEACHER_DECISION");
        assertThat(history.get(0).get("steps").get(0).get("teacherNote").asString()).isEqualTo("先熟悉概念");

        // Setting the same decision again leaves the path as it was: nothing new is recorded.
        decide(school.kp2(), "PIN", "先熟悉概念").andExpect(status().isOk());
        assertThat(read("/api/students/" + school.student1() + "/path/history", teacher)).hasSize(recorded + 1);
        mvc.perform(get("/api/students/" + school.student1() + "/path/history")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.student2Name())))
                .andExpect(status().isForbidden());
    }

    @Test
    void theModelExplainsExactlyThePlannedSteps() throws Exception {
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
        SERVER.when("学习路径", ScriptedModelServer.Reply.of("""
                {"intro":"我们先把基础打牢。","steps":[{"kpCode":"KP-1","text":"算术平方根是后面所有内容的起点，先把它练熟。"}]}"""));

        JsonNode explained = read("/api/students/" + school.student1() + "/path/explanation", school.student1Name());

        assertThat(explained.get("source").asString()).isEqualTo("MODEL");
        assertThat(explained.get("intro").asString()).isEqualTo("我们先把基础打牢。");
        assertThat(explained.get("steps")).hasSize(1);
        assertThat(explained.get("steps").get(0).get("kpId").asLong()).isEqualTo(school.kp1());
        // The model was given the planned step and its reason codes, and nothing about other points.
        String prompt = SERVER.prompts().getLast();
        assertThat(prompt).contains("KP-1").contains("PREREQUISITES_MASTERED").doesNotContain("KP-2");
    }

    @Test
    void anExplanationThatInventsAStepIsReplacedByThePlannersSentences() throws Exception {
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
        SERVER.when("学习路径", ScriptedModelServer.Reply.of("""
                {"intro":"先学两样。","steps":[{"kpCode":"KP-1","text":"先学这个。"},{"kpCode":"KP-9","text":"再学一个新的。"}]}"""));

        JsonNode explained = read("/api/students/" + school.student1() + "/path/explanation", school.student1Name());

        assertThat(explained.get("source").asString()).isEqualTo("PLANNER");
        assertThat(explained.get("status").asString()).isEqualTo("FAILED");
        assertThat(explained.get("steps")).hasSize(1);
        assertThat(explained.get("steps").get(0).get("text").asString()).startsWith("“算术平方根”的先修知识都已掌握");
        // It was asked once more, told what was wrong, before giving up.
        assertThat(SERVER.prompts()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void theClassViewPutsEveryStudentInATierWithTheirNextStep() throws Exception {
        JsonNode view = read("/api/classes/" + school.class1() + "/path", teacher);

        assertThat(view.get("tiers")).extracting(tier -> tier.get("code").asString())
                .containsExactly("BASIC", "CORE", "EXTENDED");
        List<Long> students = new ArrayList<>();
        view.get("tiers").forEach(tier -> tier.get("students").forEach(student -> {
            students.add(student.get("studentId").asLong());
            assertThat(student.get("next").get("kpId").asLong()).isEqualTo(school.kp1());
        }));
        assertThat(students).containsExactly(school.student1());
        mvc.perform(get("/api/classes/" + school.class1() + "/path")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher2Name())))
                .andExpect(status().isForbidden());
    }

    private org.springframework.test.web.servlet.ResultActions decide(long kpId, String action, String reason)
            throws Exception {
        return mvc.perform(put(overrideUrl(kpId)).header(HttpHeaders.AUTHORIZATION, teacher)
                .contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("action", action, "reason", reason))));
    }

    private String overrideUrl(long kpId) {
        return "/api/students/" + school.student1() + "/path/overrides/" + kpId;
    }

    private void answer(long item, String answer) throws Exception {
        mvc.perform(post("/api/responses").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"studentId\":%d,\"itemId\":%d,\"answer\":\"%s\"}".formatted(school.student1(), item, answer))
                        .header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isCreated());
    }

    private JsonNode path(String user) throws Exception {
        return read("/api/students/" + school.student1() + "/path", user);
    }

    private JsonNode read(String url, String user) throws Exception {
        String bearer = user.startsWith("Bearer ") ? user : schools.bearer(user);
        return json.readTree(mvc.perform(get(url).header(HttpHeaders.AUTHORIZATION, bearer))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }
}
