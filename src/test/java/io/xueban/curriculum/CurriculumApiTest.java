package io.xueban.curriculum;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
class CurriculumApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;

    TestSchools.School school;

    @BeforeEach
    void school() {
        school = schools.create();
    }

    @Test
    void prerequisiteCycleIsRejectedNamingTheCycleAndNothingChanges() throws Exception {
        // KP-2 needs KP-1 already; making KP-1 need KP-2 closes a loop.
        String body = """
                {"subjectId":%d,"code":"KP-1","name":"算术平方根","grade":7,"prerequisiteIds":[%d]}"""
                .formatted(school.subject(), school.kp2());
        int edgesBefore = count("kp_prerequisite");

        send(put("/api/knowledge-points/" + school.kp1()), body)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("prerequisite-cycle"))
                .andExpect(jsonPath("$.detail").value(containsString("算术平方根 (KP-1) → 二次根式的概念 (KP-2) → 算术平方根 (KP-1)")))
                .andExpect(jsonPath("$.cycle[0]").value(school.kp1()));

        assertThat(count("kp_prerequisite")).isEqualTo(edgesBefore);
        mvc.perform(get("/api/knowledge-points/" + school.kp1()).header(HttpHeaders.AUTHORIZATION, teacher()))
                .andExpect(jsonPath("$.prerequisiteIds").isEmpty());
    }

    @Test
    void longerCycleThroughANewKnowledgePointIsAlsoCaught() throws Exception {
        String created = send(post("/api/knowledge-points"), """
                {"subjectId":%d,"code":"KP-3","name":"最简二次根式","grade":8,"prerequisiteIds":[%d]}"""
                .formatted(school.subject(), school.kp2()))
                .andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString();
        long kp3 = Long.parseLong(created.replaceAll(".*?\"id\":(\\d+).*", "$1"));

        send(put("/api/knowledge-points/" + school.kp1()), """
                {"subjectId":%d,"code":"KP-1","name":"算术平方根","grade":7,"prerequisiteIds":[%d]}"""
                .formatted(school.subject(), kp3))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.cycle.length()").value(4));
    }

    @Test
    void unknownPrerequisiteOrSubjectIsABadRequest() throws Exception {
        send(post("/api/knowledge-points"), """
                {"subjectId":%d,"code":"KP-9","name":"勾股定理","prerequisiteIds":[987654321]}"""
                .formatted(school.subject()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-prerequisite"));
        send(post("/api/knowledge-points"), """
                {"subjectId":987654321,"code":"KP-9","name":"勾股定理"}""")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-subject"));
    }

    @Test
    void invalidFieldsAreListed() throws Exception {
        send(post("/api/knowledge-points"), """
                {"subjectId":%d,"code":"has space","name":"","grade":13}""".formatted(school.subject()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("invalid-fields"))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("code", "name", "grade")));
    }

    @Test
    void itemWithInconsistentKeyOrUnknownKnowledgePointIsRejected() throws Exception {
        int itemsBefore = count("item");
        send(post("/api/items"), item("SINGLE_CHOICE", "[\"1\",\"2\",\"3\",\"4\"]", "AB", school.kp1()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("item-bad-choice-key"));
        send(post("/api/items"), item("SINGLE_CHOICE", "[\"1\",\"2\"]", "D", school.kp1()))
                .andExpect(status().isBadRequest());
        send(post("/api/items"), item("FILL_IN", "[\"1\",\"2\"]", "3", school.kp1()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("item-unexpected-options"));
        send(post("/api/items"), item("FILL_IN", "null", "3", 987654321L))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-knowledge-point"));
        assertThat(count("item")).isEqualTo(itemsBefore);
    }

    @Test
    void itemLifecycle() throws Exception {
        String created = send(post("/api/items"), item("MULTIPLE_CHOICE", "[\"√8\",\"√12\",\"√0.5\",\"√6\"]", "b, c", school.kp2()))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.answerKey").value("BC"))
                .andExpect(jsonPath("$.options[1]").value("√12"))
                .andExpect(jsonPath("$.kpIds[0]").value(school.kp2()))
                .andReturn().getResponse().getContentAsString();
        long id = Long.parseLong(created.replaceAll(".*?\"id\":(\\d+).*", "$1"));

        mvc.perform(get("/api/items").param("kpId", Long.toString(school.kp2())).header(HttpHeaders.AUTHORIZATION, teacher()))
                .andExpect(jsonPath("$[*].id").value(hasItem((int) id)));
        mvc.perform(delete("/api/items/" + id).header(HttpHeaders.AUTHORIZATION, teacher()))
                .andExpect(status().isNoContent());
        mvc.perform(get("/api/items/" + id).header(HttpHeaders.AUTHORIZATION, teacher()))
                .andExpect(status().isNotFound());
    }

    @Test
    void itemWithAnswersAndKnowledgePointWithItemsCannotBeDeleted() throws Exception {
        mvc.perform(post("/api/responses").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.student1Name()))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"itemId\":%d,\"answer\":\"A\"}".formatted(school.choiceItem())))
                .andExpect(status().isCreated());

        mvc.perform(delete("/api/items/" + school.choiceItem()).header(HttpHeaders.AUTHORIZATION, teacher()))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("item-in-use"));
        mvc.perform(delete("/api/knowledge-points/" + school.kp1()).header(HttpHeaders.AUTHORIZATION, teacher()))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("knowledge-point-in-use"));
        assertThat(count("item")).isEqualTo(2);
    }

    private String item(String type, String options, String key, long kp) {
        return """
                {"subjectId":%d,"type":"%s","stem":"下列二次根式中，与 √2 是同类二次根式的是","options":%s,
                 "answerKey":"%s","bloomLevel":"UNDERSTAND","kpIds":[%d]}""".formatted(school.subject(), type, options, key, kp);
    }

    private ResultActions send(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request,
                               String body) throws Exception {
        return mvc.perform(request.header(HttpHeaders.AUTHORIZATION, teacher())
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private String teacher() {
        return schools.bearer(school.teacher1Name());
    }

    private int count(String table) {
        return schools.rows(table, school.id());
    }
}
