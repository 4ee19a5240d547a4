package io.xueban.lessonplan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
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
import io.xueban.demo.DemoSchool;
import io.xueban.knowledge.KnowledgeTesting;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A demo teacher has a plan written for their class by the (scripted) model, edits it,
 * regenerates a section, compares versions, accepts it into the library and exports it; plans
 * that break a rule are repaired or refused; other teachers' classes and plans stay out of reach.
 */
@XuebanTest
class LessonPlanApiTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();
    static final String REQUEST_MARK = "请为下面这节课写教学设计";
    static final String REPAIR_MARK = "不符合要求";

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
    DemoSchool demo;
    @Autowired
    JdbcClient jdbc;

    long school;
    long classId;
    long otherClass;
    long subject;
    long kp;
    List<Long> items;
    String wang;

    @BeforeEach
    void demoSchool() throws Exception {
        demo.load();
        school = jdbc.sql("SELECT id FROM school WHERE code = 'demo'").query(Long.class).single();
        List<Long> documents = jdbc.sql("SELECT id FROM kb_document WHERE school_id = ?").param(school)
                .query(Long.class).list();
        assertThat(KnowledgeTesting.awaitFinished(jdbc, documents, Duration.ofMinutes(3))).containsExactly("READY");
        classId = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = '初二(1)班'").param(school)
                .query(Long.class).single();
        otherClass = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = '初二(2)班'").param(school)
                .query(Long.class).single();
        subject = jdbc.sql("SELECT id FROM subject WHERE school_id = ?").param(school).query(Long.class).single();
        kp = jdbc.sql("SELECT id FROM knowledge_point WHERE school_id = ? AND code = 'M8-PY-1'").param(school)
                .query(Long.class).single();
        items = jdbc.sql("SELECT item_id FROM item_kp WHERE kp_id = ? ORDER BY item_id").param(kp).query(Long.class).list();
        wang = schools.demoBearer("wang.laoshi");
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(5000).replyTokens(5);
        ScriptedBackend.awaitUp(mvc, json, schools.demoBearer("admin"));
    }

    @Test
    void aDemoTeacherGeneratesEditsRegeneratesAcceptsAndExportsAPlan() throws Exception {
        SERVER.when("只重写其中的", ScriptedModelServer.Reply.of(plan(45, List.of("S1"), "板书：直角三角形与三边关系（改）")))
                .when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(45, List.of("S1"), "a² + b² = c²")));

        String events = generate(wang, "first-plan", request(45));
        assertThat(events).contains("event:plan").contains("event:stage").contains("event:token").contains("event:done");
        long id = planId(events);

        JsonNode plan = read("/api/lesson-plans/" + id, wang);
        assertThat(plan.get("status").asString()).isEqualTo("READY");
        assertThat(plan.get("aiGenerated").asBoolean()).isTrue();
        assertThat(plan.get("aiLabel").asString()).isEqualTo("本教学设计由AI辅助生成，请教师审核");
        assertThat(plan.get("markdown").asString()).contains("> 本教学设计由AI辅助生成，请教师审核").contains("## 教学过程")
                .contains("| 合计 | 45 分钟 |").contains("## 分层作业").contains("### 基础（");
        // The model was given this class's figures and the library's passages, and cited one that exists.
        JsonNode context = plan.get("context");
        assertThat(context.get("figures").get(0).get("label").asString()).isEqualTo("班级人数");
        assertThat(context.get("figures").get(0).get("value").asString()).isEqualTo("40 人");
        assertThat(context.get("sources")).isNotEmpty();
        assertThat(plan.get("version").get("content").get("references").get(0).get("source").asString()).isEqualTo("S1");
        String prompt = SERVER.prompts().getFirst();
        assertThat(prompt).contains("初二(1)班").contains("M8-PY-1").contains("<资料 编号=\"S1\"").contains("班级人数：40 人");

        // Following it again once written: done at once.
        MvcResult following = mvc.perform(get("/api/lesson-plans/" + id + "/events").header(HttpHeaders.AUTHORIZATION, wang))
                .andReturn();
        assertThat(mvc.perform(asyncDispatch(following)).andReturn().getResponse().getContentAsString())
                .contains("event:done").contains("\"status\":\"READY\"");

        // The same request and key again: the same plan, not a second one.
        int plans = jdbc.sql("SELECT COUNT(*) FROM lesson_plan").query(Integer.class).single();
        assertThat(planId(generate(wang, "first-plan", request(45)))).isEqualTo(id);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM lesson_plan").query(Integer.class).single()).isEqualTo(plans);

        // An edit that breaks a rule is refused with the reason, and nothing is saved.
        JsonNode broken = plan.get("version").get("content").deepCopy();
        ((tools.jackson.databind.node.ObjectNode) broken.get("process").get(0)).put("minutes", 50);
        mvc.perform(put("/api/lesson-plans/" + id).header(HttpHeaders.AUTHORIZATION, wang)
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("content", broken))))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("lesson-plan-invalid"))
                .andExpect(jsonPath("$.problems[0]").value("教学过程各环节的时间加起来是 90 分钟，必须正好等于课时 45 分钟"));
        assertThat(read("/api/lesson-plans/" + id, wang).get("currentVersion").asInt()).isEqualTo(1);

        // The teacher edits: a new version, the difference visible section by section.
        JsonNode content = plan.get("version").get("content");
        ((tools.jackson.databind.node.ObjectNode) content).put("boardDesign", "勾股定理\na² + b² = c²\n（老师改）");
        mvc.perform(put("/api/lesson-plans/" + id).header(HttpHeaders.AUTHORIZATION, wang)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("content", content, "note", "改了板书"))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.currentVersion").value(2))
                .andExpect(jsonPath("$.version.source").value("EDITED"));
        JsonNode diff = read("/api/lesson-plans/" + id + "/diff?from=1&to=2", wang);
        List<String> changed = new ArrayList<>();
        diff.forEach(section -> {
            if (section.get("changed").asBoolean()) {
                changed.add(section.get("section").asString());
            }
        });
        assertThat(changed).containsExactly("BOARD_DESIGN");

        // One section written again: the rest stays as the teacher left it.
        mvc.perform(post("/api/lesson-plans/" + id + "/sections/board-design/regenerate").header(HttpHeaders.AUTHORIZATION, wang)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"instruction\":\"板书更简洁\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.currentVersion").value(3))
                .andExpect(jsonPath("$.version.source").value("REGENERATED"))
                .andExpect(jsonPath("$.version.content.boardDesign").value("板书：直角三角形与三边关系（改）"));
        assertThat(SERVER.prompts().getLast()).contains("板书更简洁").contains("（老师改）");

        // Accepted: it joins the library as a lesson design by the teacher.
        JsonNode accepted = json.readTree(mvc.perform(post("/api/lesson-plans/" + id + "/accept")
                        .header(HttpHeaders.AUTHORIZATION, wang))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(accepted.get("status").asString()).isEqualTo("ACCEPTED");
        assertThat(accepted.get("acceptedVersion").asInt()).isEqualTo(3);
        long document = accepted.get("libraryDocumentId").asLong();
        assertThat(jdbc.sql("SELECT kind || '|' || author FROM kb_document WHERE id = ?").param(document)
                .query(String.class).single()).isEqualTo("LESSON_DESIGN|王老师");

        // Exports carry the AI label.
        String markdown = mvc.perform(get("/api/lesson-plans/" + id + "/export?format=markdown")
                        .header(HttpHeaders.AUTHORIZATION, wang))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(markdown).contains("本教学设计由AI辅助生成，请教师审核").contains("板书：直角三角形与三边关系（改）");
        byte[] docx = mvc.perform(get("/api/lesson-plans/" + id + "/export?format=docx").header(HttpHeaders.AUTHORIZATION, wang))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
        try (XWPFDocument doc = new XWPFDocument(new ByteArrayInputStream(docx))) {
            assertThat(doc.getParagraphs()).extracting(XWPFParagraph::getText).contains("本教学设计由AI辅助生成，请教师审核");
            // The class's figures and the lesson process, as tables.
            assertThat(doc.getTables()).extracting(table -> table.getRow(0).getCell(0).getText())
                    .containsExactly("班级数据", "环节");
        }
    }

    @Test
    void aPlanWhoseMinutesDoNotAddUpIsRepairedOnce() throws Exception {
        SERVER.when(REPAIR_MARK, ScriptedModelServer.Reply.of(plan(40, List.of("S1"), "板书")))
                .when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(35, List.of("S1"), "板书")));

        long id = planId(generate(wang, null, request(40)));

        assertThat(read("/api/lesson-plans/" + id, wang).get("status").asString()).isEqualTo("READY");
        assertThat(SERVER.prompts().getLast()).contains("必须正好等于课时 40 分钟");
    }

    @Test
    void aPlanThatStaysWrongFailsSaysWhyAndIsWrittenAgainFromTheSameRequest() throws Exception {
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(30, List.of("S1"), "板书")));

        String events = generate(wang, null, request(45));

        assertThat(events).contains("event:error");
        long id = planId(events);
        JsonNode plan = read("/api/lesson-plans/" + id, wang);
        assertThat(plan.get("status").asString()).isEqualTo("FAILED");
        assertThat(plan.get("version").isNull()).isTrue();
        assertThat(plan.get("failure").asString()).isEqualTo("llm-invalid-output");
        assertThat(plan.get("failureMessage").asString()).contains("没有通过检查").contains("重新生成");

        // Written again from the same request by its teacher alone, once the model does better.
        mvc.perform(post("/api/lesson-plans/" + id + "/retry").header(HttpHeaders.AUTHORIZATION, schools.demoBearer("admin")))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/lesson-plans/" + id + "/retry").header(HttpHeaders.AUTHORIZATION, schools.demoBearer("li.laoshi")))
                .andExpect(status().isNotFound());
        SERVER.reset();
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(45, List.of("S1"), "板书")));
        mvc.perform(post("/api/lesson-plans/" + id + "/retry").header(HttpHeaders.AUTHORIZATION, wang))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("GENERATING"))
                .andExpect(jsonPath("$.failureMessage").doesNotExist());
        for (int i = 0; i < 100 && read("/api/lesson-plans/" + id, wang).get("status").asString().equals("GENERATING"); i++) {
            Thread.sleep(100);
        }
        assertThat(read("/api/lesson-plans/" + id, wang).get("status").asString()).isEqualTo("READY");
        assertThat(SERVER.prompts().getFirst()).contains("45");
        mvc.perform(post("/api/lesson-plans/" + id + "/retry").header(HttpHeaders.AUTHORIZATION, wang))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("lesson-plan-not-failed"));
    }

    @Test
    void aCitationOfAPassageNotRetrievedIsRepairedOnceThenDroppedAndFlagged() throws Exception {
        // The model keeps citing S99, repair or not.
        SERVER.when("", ScriptedModelServer.Reply.of(plan(45, List.of("S1", "S99"), "板书")));

        long id = planId(generate(wang, null, request(45)));

        JsonNode version = read("/api/lesson-plans/" + id, wang).get("version");
        assertThat(version.get("content").get("references")).extracting(r -> r.get("source").asString())
                .containsExactly("S1");
        assertThat(version.get("flags").get(0).asString()).contains("S99").contains("该引用已删除");
        assertThat(SERVER.prompts()).hasSize(2);
        assertThat(SERVER.prompts().getLast()).contains("引用了不存在的资料 S99");
    }

    @Test
    void anExemplarTheTeacherChoseLeadsTheSources() throws Exception {
        long exemplar = jdbc.sql("SELECT id FROM kb_document WHERE school_id = ? AND kind = 'LESSON_DESIGN' AND title LIKE ?")
                .params(school, "%勾股定理的逆定理%").query(Long.class).list().getFirst();
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(45, List.of("S1"), "板书")));
        Map<String, Object> request = new LinkedHashMap<>(request(45));
        request.put("exemplarDocumentId", exemplar);

        long id = planId(generate(wang, null, request));

        JsonNode sources = read("/api/lesson-plans/" + id, wang).get("context").get("sources");
        assertThat(sources.get(0).get("documentId").asLong()).isEqualTo(exemplar);
        assertThat(SERVER.prompts().getFirst()).contains("老师指定按这份教学设计的结构和风格来写");

        request.put("exemplarDocumentId", 987_654_321L);
        refuse(request, 400, "unknown-exemplar");
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefused() throws Exception {
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(45, List.of(), "板书")));
        generate(wang, "reused-key", request(45));

        mvc.perform(post("/api/lesson-plans").header(HttpHeaders.AUTHORIZATION, wang).header("Idempotency-Key", "reused-key")
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(request(40))))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("idempotency-key-reused"));
    }

    @Test
    void anotherTeachersClassAndPlansAreOutOfReach() throws Exception {
        Map<String, Object> other = new LinkedHashMap<>(request(45));
        other.put("classId", otherClass);
        mvc.perform(post("/api/lesson-plans").header(HttpHeaders.AUTHORIZATION, wang)
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(other)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("not-your-class"));

        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(45, List.of(), "板书")));
        long id = planId(generate(wang, null, request(45)));
        mvc.perform(get("/api/lesson-plans/" + id).header(HttpHeaders.AUTHORIZATION, schools.demoBearer("li.laoshi")))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/lesson-plans/" + id).header(HttpHeaders.AUTHORIZATION, schools.demoBearer("admin")))
                .andExpect(status().isOk());
        mvc.perform(post("/api/lesson-plans/" + id + "/accept").header(HttpHeaders.AUTHORIZATION, schools.demoBearer("admin")))
                .andExpect(status().isForbidden());
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsStored() throws Exception {
        int plans = jdbc.sql("SELECT COUNT(*) FROM lesson_plan").query(Integer.class).single();
        Map<String, Object> badType = new LinkedHashMap<>(request(45));
        badType.put("lessonType", "随便课");
        refuse(badType, 400, "unknown-lesson-type");
        Map<String, Object> noPoints = new LinkedHashMap<>(request(45));
        noPoints.put("kpIds", List.of());
        noPoints.put("topic", "一个不存在的课题");
        refuse(noPoints, 400, "lesson-points-needed");
        refuse(request(5), 400, null);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM lesson_plan").query(Integer.class).single()).isEqualTo(plans);
    }

    private void refuse(Map<String, Object> body, int status, String code) throws Exception {
        var result = mvc.perform(post("/api/lesson-plans").header(HttpHeaders.AUTHORIZATION, wang)
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(body)))
                .andExpect(status().is(status));
        if (code != null) {
            result.andExpect(jsonPath("$.code").value(code));
        }
    }

    private Map<String, Object> request(int duration) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("classId", classId);
        request.put("subjectId", subject);
        request.put("topic", "勾股定理");
        request.put("kpIds", List.of(kp));
        request.put("lessonType", "新授课");
        request.put("duration", duration);
        request.put("notes", "多用拼图活动");
        return request;
    }

    /** A plan as the model would write it for the request: stages of {@code minutes} in all, citing {@code sources}. */
    private String plan(int minutes, List<String> sources, String boardDesign) {
        Map<String, Object> tier = Map.of("tasks", List.of("完成课本习题"), "itemIds", List.of(items.get(1)));
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("title", "勾股定理（第一课时）");
        plan.put("objectives", List.of(Map.of("text", "经历拼图验证，理解勾股定理 [S1]", "kpIds", List.of(kp))));
        plan.put("keyPoints", List.of("勾股定理的内容"));
        plan.put("difficulties", List.of("用面积法证明勾股定理"));
        plan.put("learnerAnalysis", "本班学生已学过直角三角形的性质，部分同学对面积法还不熟悉，详见下表。");
        plan.put("preparation", List.of("方格纸", "拼图学具"));
        plan.put("process", List.of(
                Map.of("name", "情境导入", "minutes", 5, "teacherActivities", "展示古代测量故事",
                        "studentActivities", "思考", "intent", "激发兴趣"),
                Map.of("name", "探究新知", "minutes", minutes - 15, "teacherActivities", "组织拼图",
                        "studentActivities", "动手拼图", "intent", "经历发现过程"),
                Map.of("name", "练习小结", "minutes", 10, "teacherActivities", "巡视",
                        "studentActivities", "完成课堂检测", "intent", "巩固")));
        plan.put("boardDesign", boardDesign);
        plan.put("exitTicket", Map.of("itemIds", List.of(items.getFirst()), "newItems", List.of()));
        plan.put("homework", Map.of("basic", tier, "core", tier, "extended", tier));
        plan.put("references", sources.stream().map(s -> Map.of("source", s, "usedFor", "导入素材")).toList());
        return json.writeValueAsString(plan);
    }

    private String generate(String bearer, String key, Map<String, Object> request) throws Exception {
        var builder = post("/api/lesson-plans").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(request));
        if (key != null) {
            builder.header("Idempotency-Key", key);
        }
        MvcResult started = mvc.perform(builder).andExpect(status().isOk()).andReturn();
        return mvc.perform(asyncDispatch(started)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private long planId(String events) {
        int at = events.indexOf("\"planId\":");
        assertThat(at).as("events name the plan: %s", events).isNotNegative();
        return Long.parseLong(events.substring(at + 9).replaceAll("^(\\d+).*", "$1").split("\\D")[0]);
    }

    private JsonNode read(String url, String bearer) throws Exception {
        return json.readTree(mvc.perform(get(url).header(HttpHeaders.AUTHORIZATION, bearer))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

}
