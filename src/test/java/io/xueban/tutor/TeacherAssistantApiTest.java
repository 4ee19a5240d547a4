package io.xueban.tutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The teacher assistant calls its tools through the (scripted) model: a tool runs with the
 * teacher's permissions, its result goes back to the model, and a tool asked for another
 * teacher's class answers with a refusal rather than the data.
 */
@XuebanTest
class TeacherAssistantApiTest {

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
    @Autowired
    JdbcClient jdbc;

    TestSchools.School school;
    String teacher;

    @BeforeEach
    void school() throws Exception {
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(2000);
        school = schools.create();
        teacher = schools.bearer(school.teacher1Name());
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
        SERVER.when("已开始起草", ScriptedModelServer.Reply.of("好的，教学设计正在生成，完成后请审核。"))
                .when("起草一份教案", ScriptedModelServer.Reply.callTool("draftLessonPlan",
                        "{\"classId\": %d, \"topic\": \"算术平方根\", \"kpIds\": [%d], \"minutes\": 40}"
                                .formatted(school.class1(), school.kp1())))
                .when("拒绝", ScriptedModelServer.Reply.of("抱歉，二班不是您任教的班级，我无法查看它的数据。"))
                .when("班级人数", ScriptedModelServer.Reply.of("一班共 1 人，算术平方根的掌握还不够牢固。"))
                .when("二班", ScriptedModelServer.Reply.callTool("classOverview", "{\"classId\": %d}".formatted(school.class2())))
                .when("一班", ScriptedModelServer.Reply.callTool("classOverview", "{\"classId\": %d}".formatted(school.class1())));
    }

    @Test
    void aToolRunsForTheTeachersOwnClassAndItsResultGoesBackToTheModel() throws Exception {
        long conversation = conversation();

        String events = chat(conversation, "一班整体情况怎么样？");

        assertThat(events).contains("event:token").contains("event:done");
        assertThat(lastReply(conversation)).isEqualTo("一班共 1 人，算术平方根的掌握还不够牢固。");
        assertThat(toolResults()).singleElement().asString().contains("班级人数：1").contains("算术平方根");
        // The model was offered the tools, described in words it can use.
        assertThat(SERVER.chatRequests().getFirst().get("tools").toString()).contains("classOverview").contains("班级概况");
    }

    @Test
    void aToolAskedForAnotherTeachersClassRefuses() throws Exception {
        long conversation = conversation();

        chat(conversation, "二班的情况呢？");

        String toolResult = toolResults().getFirst();
        assertThat(toolResult).startsWith("拒绝").doesNotContain("班级人数");
        assertThat(lastReply(conversation)).contains("无法查看");
    }

    @Test
    void theAssistantStartsALessonPlanForTheTeachersClass() throws Exception {
        long conversation = conversation();

        chat(conversation, "帮我给一班起草一份教案，讲算术平方根");

        assertThat(lastReply(conversation)).isEqualTo("好的，教学设计正在生成，完成后请审核。");
        assertThat(schools.rows("lesson_plan", school.id())).isEqualTo(1);
        JsonNode plans = json.readTree(mvc.perform(get("/api/lesson-plans").header(HttpHeaders.AUTHORIZATION, teacher))
                .andReturn().getResponse().getContentAsString());
        assertThat(plans.get(0).get("classId").asLong()).isEqualTo(school.class1());
        assertThat(plans.get(0).get("request").get("kpIds").get(0).asLong()).isEqualTo(school.kp1());
    }

    @Test
    void theAssistantDraftsAnAssignmentAndSummarisesItsResults() throws Exception {
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(2000);
        SERVER.when("已起草作业", ScriptedModelServer.Reply.of("草稿已经建好，请检查后发布。"))
                .when("布置一份作业", ScriptedModelServer.Reply.callTool("draftAssignment",
                        "{\"classId\": %d, \"title\": \"算术平方根 练习\", \"itemIds\": [%d, %d]}"
                                .formatted(school.class1(), school.choiceItem(), school.fillInItem())));
        long conversation = conversation();

        chat(conversation, "帮我给我的班布置一份作业，练算术平方根");

        assertThat(lastReply(conversation)).isEqualTo("草稿已经建好，请检查后发布。");
        long id = jdbc.sql("SELECT id FROM assignment WHERE class_id = ? AND status = 'DRAFT'").param(school.class1())
                .query(Long.class).single();
        assertThat(toolResults().getFirst()).contains("已起草作业（草稿），编号 " + id).contains("2 道题");
        mvc.perform(post("/api/assignments/" + id + "/publish").header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk());

        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(2000);
        SERVER.when("名学生中", ScriptedModelServer.Reply.of("还有一名学生没交。"))
                .when("结果怎么样", ScriptedModelServer.Reply.callTool("summariseResults", "{\"assignmentId\": %d}".formatted(id)))
                .when("另一份", ScriptedModelServer.Reply.callTool("summariseResults", "{\"assignmentId\": %d}".formatted(id)));
        chat(conversation, "这份作业的结果怎么样？");
        assertThat(toolResults().getFirst()).contains("「算术平方根 练习」：1 名学生中 0 人已提交").contains("未交：一班学生");

        // Another teacher's assistant is refused the same assignment.
        String other = schools.bearer(school.teacher2Name());
        long theirs = json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, other)
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(2000);
        SERVER.when("拒绝", ScriptedModelServer.Reply.of("抱歉，这不是您的班级。"))
                .when("另一份", ScriptedModelServer.Reply.callTool("summariseResults", "{\"assignmentId\": %d}".formatted(id)));
        MvcResult started = mvc.perform(post("/api/conversations/" + theirs + "/messages")
                        .header(HttpHeaders.AUTHORIZATION, other).contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("content", "另一份作业呢？"))))
                .andExpect(status().isOk()).andReturn();
        mvc.perform(asyncDispatch(started)).andReturn();
        assertThat(toolResults().getFirst()).startsWith("拒绝").doesNotContain("名学生中");
    }

    /** What the tools answered, as the model was given it (requests whose last message is a tool's result). */
    private List<String> toolResults() {
        return SERVER.chatRequests().stream()
                .map(request -> request.get("messages").get(request.get("messages").size() - 1))
                .filter(message -> message.get("role").asString().equals("tool"))
                .map(message -> message.get("content").asString())
                .toList();
    }

    private long conversation() throws Exception {
        return json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString()).get("id").asLong();
    }

    private String chat(long conversation, String text) throws Exception {
        MvcResult started = mvc.perform(post("/api/conversations/" + conversation + "/messages")
                        .header(HttpHeaders.AUTHORIZATION, teacher).contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("content", text))))
                .andExpect(status().isOk()).andReturn();
        return mvc.perform(asyncDispatch(started)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private String lastReply(long conversation) throws Exception {
        return json.readTree(mvc.perform(get("/api/conversations/" + conversation + "/messages")
                        .header(HttpHeaders.AUTHORIZATION, teacher))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8))
                .get("messages").get(0).get("content").asString();
    }
}
