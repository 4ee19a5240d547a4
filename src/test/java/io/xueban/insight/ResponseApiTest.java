package io.xueban.insight;

import java.nio.charset.StandardCharsets;
import java.util.List;

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
import static org.hamcrest.Matchers.contains;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
class ResponseApiTest {

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
    void studentRecordsOwnAnswerMarkedFromTheKey() throws Exception {
        json("/api/responses", school.student1Name(), """
                {"itemId":%d,"answer":" 3 ","timeTakenMs":42000}""".formatted(school.fillInItem()))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.recorded").value(1))
                .andExpect(jsonPath("$.correct").value(1));

        mvc.perform(get("/api/students/" + school.student1() + "/responses")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(jsonPath("$[0].itemCode").value("I-2"))
                .andExpect(jsonPath("$[0].correct").value(true))
                .andExpect(jsonPath("$[0].score").value(1.0))
                .andExpect(jsonPath("$[0].source").value("TYPED"))
                .andExpect(jsonPath("$[0].timeTakenMs").value(42000));
    }

    @Test
    void aStudentCannotMarkTheirOwnAnswerNorSendABatchNorBackdate() throws Exception {
        // A wrong answer claimed right, a missing answer claimed right, a score: all refused, nothing stored.
        for (String body : List.of("""
                        {"itemId":%d,"answer":"5","correct":true}""", """
                        {"itemId":%d,"correct":true}""", """
                        {"itemId":%d,"answer":"5","score":1.0}""")) {
            json("/api/responses", school.student1Name(), body.formatted(school.fillInItem()))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.code").value("response-mark-staff-only"))
                    .andExpect(jsonPath("$.detail").value("作答的对错由系统按答案判定，学生不能自己填写 correct 或 score。"));
        }
        json("/api/responses", school.student1Name(), """
                {"itemId":%d,"answer":"3","source":"IMPORTED"}""".formatted(school.fillInItem()))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("response-source-staff-only"));
        json("/api/responses/batch", school.student1Name(), """
                [{"itemId":%d,"answer":"3"}]""".formatted(school.fillInItem()))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("staff-only"));
        assertThat(count()).isZero();

        // An answer time in the past is the server's time for a student's own answer.
        json("/api/responses", school.student1Name(), """
                {"itemId":%d,"answer":"3","answeredAt":"2025-01-01T08:00:00Z"}""".formatted(school.fillInItem()))
                .andExpect(status().isCreated());
        mvc.perform(get("/api/students/" + school.student1() + "/responses")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(jsonPath("$[0].answeredAt").value(org.hamcrest.Matchers.startsWith("202")))
                .andExpect(jsonPath("$[0].answeredAt").value(org.hamcrest.Matchers.not(org.hamcrest.Matchers.startsWith("2025-01-01"))));

        // Staff may mark, for the students they teach only.
        json("/api/responses", school.teacher1Name(), """
                {"studentId":%d,"itemId":%d,"answer":"5","correct":true}""".formatted(school.student1(), school.fillInItem()))
                .andExpect(status().isCreated());
        json("/api/responses", school.teacher2Name(), """
                {"studentId":%d,"itemId":%d,"answer":"5","correct":true}""".formatted(school.student1(), school.fillInItem()))
                .andExpect(status().isForbidden());
    }

    @Test
    void aStudentsOpenAnswerIsLeftToATeacher() throws Exception {
        long open = schools.openItem(school);
        json("/api/responses", school.student1Name(), """
                {"itemId":%d,"answer":"因为两边之和大于第三边"}""".formatted(open))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.errors[0].message").value(
                        "这道题需要老师批改，不能在这里自动判分：请把作答写在纸上拍照提交给老师。"));
        assertThat(count()).isZero();
    }

    @Test
    void aStudentsWrongAnswerComesBackWithTheRightOneAndARightOneWithout() throws Exception {
        json("/api/responses", school.student1Name(), """
                {"itemId":%d,"answer":"5"}""".formatted(school.fillInItem()))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.correct").value(0))
                .andExpect(jsonPath("$.rightAnswer").value("3"));
        json("/api/responses", school.student1Name(), """
                {"itemId":%d,"answer":"3"}""".formatted(school.fillInItem()))
                .andExpect(jsonPath("$.correct").value(1))
                .andExpect(jsonPath("$.rightAnswer").doesNotExist());
        // A teacher recording a mark is not sent the key: they have it.
        json("/api/responses", school.teacher1Name(), """
                {"studentId":%d,"itemId":%d,"answer":"5"}""".formatted(school.student1(), school.fillInItem()))
                .andExpect(jsonPath("$.rightAnswer").doesNotExist());
    }

    @Test
    void batchWithAnUnknownItemIsRejectedWhole() throws Exception {
        int before = count();
        json("/api/responses/batch", school.teacher1Name(), """
                [{"studentId":%1$d,"itemId":%2$d,"correct":true},
                 {"studentId":%1$d,"itemId":987654321,"correct":false}]""".formatted(school.student1(), school.choiceItem()))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.code").value("not-found"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("987654321")));
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void batchListsEveryEntryThatCannotBeMarked() throws Exception {
        int before = count();
        json("/api/responses/batch", school.teacher1Name(), """
                [{"studentId":%1$d,"itemId":%2$d,"answer":"A"},
                 {"studentId":%1$d,"itemId":%2$d},
                 {"studentId":%1$d,"itemId":%2$d,"correct":true,"source":"SIMULATED"}]"""
                .formatted(school.student1(), school.choiceItem()))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.errors[*].row").value(contains(2, 3)));
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void badJsonUnknownFieldsInvalidScoreAndWrongTypesAreClearErrors() throws Exception {
        int before = count();
        json("/api/responses", school.teacher1Name(), """
                {"studentId":%d,"itemId":%d,"score":1.5}""".formatted(school.student1(), school.choiceItem()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("score"));
        json("/api/responses", school.teacher1Name(), """
                {"studentId":"Wang","itemId":%d}""".formatted(school.choiceItem()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unreadable-field"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("studentId")));
        json("/api/responses", school.teacher1Name(), "{\"studentId\": 1, \"itemId\": ")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unreadable-body"));
        json("/api/responses", school.teacher1Name(), """
                {"studentId":%d,"itemId":%d,"correct":true,"grade":"A+"}""".formatted(school.student1(), school.choiceItem()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-field"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("grade")));
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void csvImportMarksByCodeOrIdAndIsAllOrNothing() throws Exception {
        String good = """
                student,item,correct,answer,time_ms,answered_at
                %1$s,I-1,,A,30000,2026-10-08T09:00:00+08:00
                %1$s,%2$d,0,,,
                """.formatted(school.student1Name(), school.fillInItem());
        csv(good).andExpect(status().isCreated()).andExpect(jsonPath("$.recorded").value(2))
                .andExpect(jsonPath("$.correct").value(1));

        int before = count();
        String bad = """
                学生,题号,正确,得分
                %1$s,I-1,对,
                %2$s,I-1,1,
                nobody,I-1,1,
                %1$s,NO-SUCH,1,
                %1$s,I-1,maybe,
                %1$s,I-1,,2
                %1$s,I-2,,
                """.formatted(school.student1Name(), school.student2Name());
        csv(bad).andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.errors[*].row").value(contains(3, 4, 5, 6, 7, 8)));
        assertThat(count()).isEqualTo(before);
    }

    private ResultActions json(String path, String user, String body) throws Exception {
        return mvc.perform(post(path).header(HttpHeaders.AUTHORIZATION, schools.bearer(user))
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private ResultActions csv(String body) throws Exception {
        return mvc.perform(post("/api/responses/import").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name()))
                .contentType("text/csv").content(body.getBytes(StandardCharsets.UTF_8)));
    }

    private int count() {
        return schools.rows("response", school.id());
    }
}
