package io.xueban.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
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
import org.springframework.test.web.servlet.ResultActions;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed answers to open items get a mark the model suggests, for the teacher who marks: asked
 * for after the hand-in, the answers of one item in one call. The sweep is run by the test (its
 * schedule is an hour here), so what one call holds does not depend on timing.
 */
@XuebanTest
class MarkSuggestionsTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
        registry.add("xueban.assignment.suggest-marks", () -> true);
        registry.add("xueban.assignment.suggest-every", () -> "1h");
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
    @Autowired
    MarkSuggester suggester;

    TestSchools.School school;
    String teacher;
    long open;

    @BeforeEach
    void reset() throws Exception {
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(1000).replyTokens(5);
        school = schools.create();
        teacher = schools.bearer(school.teacher1Name());
        open = schools.openItem(school);
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
    }

    @Test
    void theAnswersToAnOpenItemGetSuggestedMarksInOneCallAndTheTeacherStillMarks() throws Exception {
        SERVER.when("建议分", ScriptedModelServer.Reply.of("""
                {"marks":[{"id":1,"correct":true,"feedback":"考虑了 a 为负数的情况。"},
                          {"id":2,"correct":false,"feedback":"没有考虑 a < 0。"}]}"""));
        List<String> more = schools.moreStudents(school, 2);
        long id = assign(1);
        String first = schools.bearer(school.student1Name());
        String second = schools.bearer(more.get(0));
        String none = schools.bearer(more.get(1));
        answer(id, first, "当 a < 0 时，√(a²) = −a，不等于 a");
        answer(id, second, "√(a²) = a");
        // the third hands in without answering it
        for (String student : List.of(first, second, none)) {
            mvc.perform(post("/api/me/tasks/" + id + "/submit").header(HttpHeaders.AUTHORIZATION, student))
                    .andExpect(status().isOk());
        }
        // Handed in: the two written answers wait for a suggestion, the missing one for the teacher alone.
        queue(id).andExpect(jsonPath("$.length()").value(3))
                .andExpect(jsonPath("$[0].suggesting").value(true))
                .andExpect(jsonPath("$[0].suggestedCorrect").doesNotExist())
                .andExpect(jsonPath("$[1].suggesting").value(true))
                .andExpect(jsonPath("$[2].suggesting").value(false));
        int answersBefore = schools.rows("response", school.id());

        suggester.suggestDue();

        List<String> asked = SERVER.prompts().stream().filter(prompt -> prompt.contains("建议分")).toList();
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst()).contains("为什么 √(a²) 不总等于 a", "当 a < 0 时 √(a²) = −a。",
                "[1] 当 a ＜ 0 时，√(a²) = −a，不等于 a", "[2] √(a²) = a").doesNotContain("[3]");
        queue(id).andExpect(jsonPath("$[0].studentId").value(school.student1()))
                .andExpect(jsonPath("$[0].suggestedCorrect").value(true))
                .andExpect(jsonPath("$[0].suggestion").value("考虑了 a 为负数的情况。"))
                .andExpect(jsonPath("$[0].suggesting").value(false))
                .andExpect(jsonPath("$[1].suggestedCorrect").value(false))
                .andExpect(jsonPath("$[1].suggesting").value(false));
        // A suggestion marks nobody, and the student never sees it.
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore);
        mvc.perform(get("/api/me/tasks/" + id).header(HttpHeaders.AUTHORIZATION, first))
                .andExpect(jsonPath("$.feedback[0].correct").doesNotExist())
                .andExpect(result -> assertThat(result.getResponse().getContentAsString()).doesNotContain("考虑了"));

        // The teacher decides, against the suggestion too; that mark counts.
        mark(id, school.student1(), false).andExpect(status().isNoContent());
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore + 1);
        queue(id).andExpect(jsonPath("$.length()").value(2));
    }

    @Test
    void aFailedCallLeavesTheAnswerForAnotherTryAndANewAttemptForgetsIt() throws Exception {
        // The model names an answer that is not there, also when asked to repair its reply.
        SERVER.when("建议分", ScriptedModelServer.Reply.of("""
                {"marks":[{"id":5,"correct":true,"feedback":"很好。"}]}"""));
        long id = assign(2);
        String student = schools.bearer(school.student1Name());
        answer(id, student, "因为 a 可能是负数");
        mvc.perform(post("/api/me/tasks/" + id + "/submit").header(HttpHeaders.AUTHORIZATION, student))
                .andExpect(status().isOk());

        suggester.suggestDue();

        assertThat(jdbc.sql("SELECT state, tries FROM answer_suggestion WHERE assignment_id = ?").param(id)
                .query((rs, n) -> rs.getString(1) + " " + rs.getInt(2)).single()).isEqualTo("FAILED 1");
        queue(id).andExpect(jsonPath("$[0].suggestedCorrect").doesNotExist())
                .andExpect(jsonPath("$[0].suggesting").value(true));
        // Not tried again at once: the next sweep leaves it.
        int calls = SERVER.requests();
        suggester.suggestDue();
        assertThat(SERVER.requests()).isEqualTo(calls);

        // Another attempt: the answer may change, so its suggestion goes.
        mvc.perform(post("/api/me/tasks/" + id + "/retry").header(HttpHeaders.AUTHORIZATION, student))
                .andExpect(status().isOk());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM answer_suggestion WHERE assignment_id = ?").param(id)
                .query(Integer.class).single()).isZero();
    }

    private long assign(int attempts) throws Exception {
        long id = json.readTree(mvc.perform(post("/api/assignments").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                {"classId":%d,"title":"说理题","itemIds":[%d,%d],"attempts":%d}""".formatted(
                                school.class1(), open, school.choiceItem(), attempts)))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString()).get("id").asLong();
        mvc.perform(post("/api/assignments/" + id + "/publish").header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk());
        return id;
    }

    private void answer(long id, String student, String text) throws Exception {
        mvc.perform(put("/api/me/tasks/%d/answers/%d".formatted(id, open)).header(HttpHeaders.AUTHORIZATION, student)
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("answer", text))))
                .andExpect(status().isNoContent());
    }

    private ResultActions queue(long id) throws Exception {
        return mvc.perform(get("/api/assignments/marking?classId=%d&assignmentId=%d".formatted(school.class1(), id))
                .header(HttpHeaders.AUTHORIZATION, teacher)).andExpect(status().isOk());
    }

    private ResultActions mark(long id, long studentId, boolean correct) throws Exception {
        return mvc.perform(post("/api/assignments/%d/answers/%d/%d/mark".formatted(id, studentId, open))
                .header(HttpHeaders.AUTHORIZATION, teacher).contentType(MediaType.APPLICATION_JSON)
                .content("{\"correct\":" + correct + "}"));
    }
}
