package io.xueban.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The loop a class lives by, through the API: a teacher assigns items, a student saves answers and
 * submits once, the answers are marked and move the student's mastery, and the teacher sees who
 * did what. Refusals say why, and nobody reaches another's assignment.
 */
@XuebanTest
class AssignmentApiTest {

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
    String student;

    @BeforeEach
    void school() {
        school = schools.create();
        teacher = schools.bearer(school.teacher1Name());
        student = schools.bearer(school.student1Name());
    }

    @Test
    void aTeacherAssignsAStudentAnswersAndSubmitsOnceAndTheResultsAndMasteryFollow() throws Exception {
        String second = schools.moreStudents(school, 1).getFirst();
        long id = create("""
                {"classId":%d,"title":"二次根式 第一课时","note":"先复习算术平方根","itemIds":[%d,%d],
                 "dueAt":"%s"}""".formatted(school.class1(), school.choiceItem(), school.fillInItem(), inDays(2)))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.status").value("DRAFT"))
                .andExpect(jsonPath("$.studentIds.length()").value(2))
                .andReturn().getResponse().getContentAsString().transform(this::id);

        // A draft is not the student's yet.
        read("/api/me/tasks", student).andExpect(jsonPath("$.length()").value(0));
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("PUBLISHED"));

        read("/api/me/tasks", student)
                .andExpect(jsonPath("$[0].title").value("二次根式 第一课时"))
                .andExpect(jsonPath("$[0].note").value("先复习算术平方根"))
                .andExpect(jsonPath("$[0].state").value("NOT_STARTED"));
        String task = read("/api/me/tasks/" + id, student).andExpect(status().isOk())
                .andExpect(jsonPath("$.items.length()").value(2))
                .andReturn().getResponse().getContentAsString();
        assertThat(task).doesNotContain("answerKey").contains("16 的算术平方根");

        double before = mastery(school.kp1());
        save(id, school.choiceItem(), "A").andExpect(status().isNoContent());
        save(id, school.fillInItem(), "5").andExpect(status().isNoContent());
        save(id, school.fillInItem(), "3").andExpect(status().isNoContent()); // the last saved counts
        read("/api/me/tasks", student).andExpect(jsonPath("$[0].state").value("IN_PROGRESS"));
        // An item that is not part of it.
        save(id, 987_654_321L, "A").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("assignment-item-not-in-it"));

        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.task.state").value("SUBMITTED"))
                .andExpect(jsonPath("$.task.score").value(1.0))
                .andExpect(jsonPath("$.feedback[0].correct").value(true))
                .andExpect(jsonPath("$.feedback[0].rightAnswer").value("A"))
                .andExpect(jsonPath("$.feedback[0].explanation").value("16 的算术平方根是非负的 4；±4 是 16 的平方根。"))
                .andExpect(jsonPath("$.feedback[0].points[0]").isNotEmpty());
        // Submitting again changes nothing and answers with the first; saving is refused.
        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.task.state").value("SUBMITTED"));
        save(id, school.fillInItem(), "4").andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-submitted"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE student_id = ?").param(school.student1())
                .query(Integer.class).single()).isEqualTo(2);
        assertThat(mastery(school.kp1())).isGreaterThan(before);

        read("/api/assignments/" + id + "/results", teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.students").value(2))
                .andExpect(jsonPath("$.submitted").value(1))
                .andExpect(jsonPath("$.byStudent[?(@.studentId == %d)].state".formatted(school.student1())).value("SUBMITTED"))
                .andExpect(jsonPath("$.byStudent[?(@.state == 'MISSING')].studentId").value(org.hamcrest.Matchers.hasSize(1)))
                .andExpect(jsonPath("$.byItem[0].answered").value(1))
                .andExpect(jsonPath("$.byItem[0].right").value(1));
        // What handing in did to the student's mastery, per point tested.
        JsonNode points = json.readTree(read("/api/assignments/" + id + "/results", teacher).andReturn().getResponse()
                .getContentAsString()).get("byPoint");
        JsonNode kp1 = java.util.stream.StreamSupport.stream(points.spliterator(), false)
                .filter(p -> p.get("kpId").asLong() == school.kp1()).findFirst().orElseThrow();
        assertThat(kp1.get("students").asInt()).isEqualTo(1);
        assertThat(kp1.get("answered").asInt()).isEqualTo(2);
        assertThat(kp1.get("masteryAfter").asDouble()).isGreaterThan(kp1.get("masteryBefore").asDouble());
        assertThat(kp1.get("masteryBefore").asDouble()).isEqualTo(before, org.assertj.core.data.Offset.offset(1e-9));

        // Answered: it can be closed, not cancelled; closed, it takes no more answers.
        mvc.perform(delete("/api/assignments/" + id).header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.code").value("assignment-answered"));
        post("/api/assignments/" + id + "/close", teacher).andExpect(status().isOk());
        String other = schools.bearer(second);
        mvc.perform(put("/api/me/tasks/" + id + "/answers/" + school.choiceItem()).header(HttpHeaders.AUTHORIZATION, other)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"answer\":\"A\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-closed"))
                .andExpect(jsonPath("$.detail").value("这份作业已经结束，不再收答案。"));
    }

    @Test
    void badAssignmentsAreRefusedWithTheReasonAndNobodyReachesAnothersAssignment() throws Exception {
        String body = """
                {"classId":%d,"title":"检测","itemIds":[%d]%s}""";
        create(body.formatted(school.class1(), school.choiceItem(), ",\"dueAt\":\"2020-01-01T00:00:00Z\""))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("assignment-due-in-past"));
        create(body.formatted(school.class2(), school.choiceItem(), ""))
                .andExpect(status().isForbidden());
        create(body.formatted(school.class1(), school.choiceItem(), ",\"studentIds\":[%d]".formatted(school.student2())))
                .andExpect(status().isForbidden()).andExpect(jsonPath("$.code").value("assignment-student-not-in-class"));
        TestSchools.School other = schools.create();
        create(body.formatted(school.class1(), other.choiceItem(), ""))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("assignment-unknown-item"));

        long id = create(body.formatted(school.class1(), school.choiceItem(), ""))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString().transform(this::id);
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isConflict());
        // Another class's teacher, another school's admin, a student not in it, a teacher answering.
        read("/api/assignments/" + id, schools.bearer(school.teacher2Name())).andExpect(status().isForbidden());
        read("/api/assignments/" + id, schools.bearer(other.adminName())).andExpect(status().isNotFound());
        read("/api/me/tasks/" + id, schools.bearer(school.student2Name())).andExpect(status().isNotFound());
        post("/api/me/tasks/" + id + "/submit", teacher).andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("assignment-students-only"));
        read("/api/assignments/" + id + "/results", student).andExpect(status().isForbidden());
        read("/api/assignments/" + id, schools.bearer(school.adminName())).andExpect(status().isOk());

        // Not answered yet: it can be cancelled.
        mvc.perform(delete("/api/assignments/" + id).header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isNoContent());
        read("/api/me/tasks", student).andExpect(jsonPath("$.length()").value(0));
    }

    @Test
    void anOpenItemWaitsForATeacherAndAnswersStayHiddenWhenTheTeacherSaysSo() throws Exception {
        long open = schools.openItem(school);
        long id = create("""
                {"classId":%d,"title":"说理题","itemIds":[%d,%d],"showAnswers":"NEVER"}"""
                .formatted(school.class1(), school.choiceItem(), open))
                .andReturn().getResponse().getContentAsString().transform(this::id);
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        save(id, school.choiceItem(), "B").andExpect(status().isNoContent());
        save(id, open, "因为 a 可能是负数").andExpect(status().isNoContent());

        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.task.score").value(0.0))
                .andExpect(jsonPath("$.feedback[0].correct").value(false))
                .andExpect(jsonPath("$.feedback[0].rightAnswer").doesNotExist())
                .andExpect(jsonPath("$.feedback[0].explanation").doesNotExist())
                .andExpect(jsonPath("$.feedback[1].correct").doesNotExist())
                .andExpect(jsonPath("$.feedback[1].answer").value("因为 a 可能是负数"));
        // Only the marked answer reached the mastery model.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE student_id = ?").param(school.student1())
                .query(Integer.class).single()).isEqualTo(1);

        // The open answer waits in the teacher's queue; the teacher's mark counts and the score follows.
        read("/api/assignments/marking?classId=" + school.class1(), teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$[0].itemId").value(open))
                .andExpect(jsonPath("$[0].answer").value("因为 a 可能是负数"))
                .andExpect(jsonPath("$[0].studentName").value("一班学生"));
        read("/api/assignments/marking?classId=" + school.class1(), student).andExpect(status().isForbidden());
        String mark = "/api/assignments/%d/answers/%d/%d/mark".formatted(id, school.student1(), open);
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(mark)
                        .header(HttpHeaders.AUTHORIZATION, teacher).contentType(MediaType.APPLICATION_JSON).content("{\"correct\":true}"))
                .andExpect(status().isNoContent());
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(mark)
                        .header(HttpHeaders.AUTHORIZATION, teacher).contentType(MediaType.APPLICATION_JSON).content("{\"correct\":false}"))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.code").value("assignment-answer-not-waiting"));
        read("/api/assignments/marking?classId=" + school.class1(), teacher).andExpect(jsonPath("$.length()").value(0));
        read("/api/me/tasks/" + id, student)
                .andExpect(jsonPath("$.task.score").value(0.5))
                .andExpect(jsonPath("$.feedback[1].correct").value(true));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE student_id = ? AND assignment_id = ?")
                .params(school.student1(), id).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void anAssignmentChangesUntilSomeoneAnswersAndItsResultsExportAsAWorkbookAndCsv() throws Exception {
        String missing = schools.moreStudents(school, 1).getFirst();
        long id = create("""
                {"classId":%d,"title":"初稿","itemIds":[%d]}""".formatted(school.class1(), school.choiceItem()))
                .andReturn().getResponse().getContentAsString().transform(this::id);
        String changed = """
                {"classId":%d,"title":"二次根式 小测","itemIds":[%d,%d]}""".formatted(school.class1(), school.choiceItem(),
                school.fillInItem());
        mvc.perform(put("/api/assignments/" + id).header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content(changed))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.title").value("二次根式 小测"))
                .andExpect(jsonPath("$.itemIds.length()").value(2));
        mvc.perform(put("/api/assignments/" + id).header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content(changed.replace(
                                "\"classId\":" + school.class1(), "\"classId\":" + school.class2())))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("assignment-class-fixed"));
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        save(id, school.choiceItem(), "A").andExpect(status().isNoContent());
        save(id, school.fillInItem(), "3").andExpect(status().isNoContent());
        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk());
        mvc.perform(put("/api/assignments/" + id).header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content(changed))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-answered"));

        var workbook = mvc.perform(get("/api/assignments/" + id + "/results/export").header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header()
                        .string(HttpHeaders.CONTENT_DISPOSITION, org.hamcrest.Matchers.containsString(".xlsx")))
                .andReturn().getResponse().getContentAsByteArray();
        try (var book = new org.apache.poi.xssf.usermodel.XSSFWorkbook(new java.io.ByteArrayInputStream(workbook))) {
            var sheet = book.getSheetAt(0);
            assertThat(sheet.getSheetName()).isEqualTo("二次根式 小测");
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("学号");
            java.util.Map<String, String> states = new java.util.HashMap<>();
            for (int r = 1; r <= sheet.getLastRowNum(); r++) {
                var row = sheet.getRow(r);
                states.put(row.getCell(0).getStringCellValue(), row.getCell(3).getStringCellValue());
                if (row.getCell(0).getStringCellValue().equals(school.student1Name())) {
                    assertThat(row.getCell(4).getNumericCellValue()).isEqualTo(1.0);
                    assertThat(row.getCell(5).getStringCellValue()).isNotBlank();
                }
            }
            assertThat(states).containsEntry(school.student1Name(), "已提交").containsEntry(missing, "未交").hasSize(2);
        }
        String csv = mvc.perform(get("/api/assignments/" + id + "/results/export?format=csv")
                        .header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csv).startsWith("\uFEFF学号,姓名,分组,状态,得分,提交时间").contains(missing + ",").contains("未交");
        read("/api/assignments/" + id + "/results/export?format=pdf", teacher).andExpect(status().isBadRequest());
        read("/api/assignments/" + id + "/results/export", student).andExpect(status().isForbidden());
    }

    @Test
    void eachPartOfAnAssignmentHasItsOwnItemsAndStudents() throws Exception {
        String secondName = schools.moreStudents(school, 1).getFirst();
        long second = userId(secondName);
        String body = """
                {"classId":%d,"title":"分层作业","parts":[
                  {"label":"基础组","itemIds":[%d],"studentIds":[%d]},
                  {"label":"拓展组","itemIds":[%d],"studentIds":[%s]}]}""";
        create(body.formatted(school.class1(), school.choiceItem(), school.student1(), school.fillInItem(),
                school.student1())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("assignment-student-twice"));
        create("""
                {"classId":%d,"title":"x","itemIds":[%d],"parts":[{"itemIds":[%d],"studentIds":[%d]}]}"""
                .formatted(school.class1(), school.choiceItem(), school.choiceItem(), school.student1()))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("assignment-items-or-parts"));
        create("""
                {"classId":%d,"title":"x"}""".formatted(school.class1()))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("assignment-no-items"));

        long id = create(body.formatted(school.class1(), school.choiceItem(), school.student1(), school.fillInItem(), second))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.parts.length()").value(2))
                .andExpect(jsonPath("$.parts[1].label").value("拓展组"))
                .andExpect(jsonPath("$.itemIds.length()").value(2))
                .andReturn().getResponse().getContentAsString().transform(this::id);
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        read("/api/me/tasks/" + id, student).andExpect(jsonPath("$.items.length()").value(1))
                .andExpect(jsonPath("$.items[0].itemId").value(school.choiceItem()));
        // The other part's item is not this student's.
        save(id, school.fillInItem(), "3").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("assignment-item-not-in-it"));
        save(id, school.choiceItem(), "A").andExpect(status().isNoContent());
        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.feedback.length()").value(1));
        read("/api/assignments/" + id + "/results", teacher)
                .andExpect(jsonPath("$.byStudent[?(@.studentId == %d)].part".formatted(second)).value("拓展组"))
                .andExpect(jsonPath("$.missing").value(1));
    }

    @Test
    void aLiveCheckShowsWhoAnsweredWhatBeforeAnyoneSubmitsAndClosingHandsInTheSavedAnswers() throws Exception {
        String secondName = schools.moreStudents(school, 2).getFirst();
        String secondBearer = schools.bearer(secondName);
        long id = create("""
                {"classId":%d,"title":"课堂检测","kind":"LIVE","itemIds":[%d,%d]}"""
                .formatted(school.class1(), school.choiceItem(), school.fillInItem()))
                .andExpect(jsonPath("$.kind").value("LIVE"))
                .andReturn().getResponse().getContentAsString().transform(this::id);
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        save(id, school.choiceItem(), "A").andExpect(status().isNoContent());
        mvc.perform(put("/api/me/tasks/" + id + "/answers/" + school.choiceItem()).header(HttpHeaders.AUTHORIZATION, secondBearer)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"answer\":\"b\"}"))
                .andExpect(status().isNoContent());

        read("/api/assignments/" + id + "/live", teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.students").value(3))
                .andExpect(jsonPath("$.started").value(2))
                .andExpect(jsonPath("$.submitted").value(0))
                .andExpect(jsonPath("$.notStarted.length()").value(1))
                .andExpect(jsonPath("$.items[0].answered").value(2))
                .andExpect(jsonPath("$.items[0].right").value(1))
                .andExpect(jsonPath("$.items[0].wrong[0].answer").value("B"))
                .andExpect(jsonPath("$.items[0].wrong[0].optionText").value("±4"))
                .andExpect(jsonPath("$.items[0].wrong[0].students[0]").value("学生0"))
                .andExpect(jsonPath("$.items[1].answered").value(0));
        read("/api/assignments/" + id + "/live", student).andExpect(status().isForbidden());

        // Closing collects what was saved: both students' answers are marked and recorded.
        post("/api/assignments/" + id + "/close", teacher).andExpect(status().isOk());
        read("/api/assignments/" + id + "/results", teacher)
                .andExpect(jsonPath("$.submitted").value(2))
                .andExpect(jsonPath("$.missing").value(1));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE assignment_id = ?").param(id)
                .query(Integer.class).single()).isEqualTo(4);
        // 讲评: the item nobody got right comes first, then the one with a common wrong answer.
        read("/api/assignments/" + id + "/review", teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].itemId").value(school.fillInItem()))
                .andExpect(jsonPath("$.items[0].shareRight").value(0.0))
                .andExpect(jsonPath("$.items[1].shareRight").value(0.5))
                .andExpect(jsonPath("$.items[1].answerKey").value("A"))
                .andExpect(jsonPath("$.items[1].commonWrong[0].answer").value("B"));
    }

    @Test
    void aLessonPlansWorkIsProposedByTierAndEachStudentsNextStepsAsTheirOwnPart() throws Exception {
        schools.moreStudents(school, 4);
        long plan = schools.lessonPlan(school, java.util.List.of(school.choiceItem()), java.util.List.of(school.choiceItem()),
                java.util.List.of(school.fillInItem()), java.util.List.of(school.choiceItem(), school.fillInItem()));
        read("/api/assignments/proposal?from=EXIT_TICKET&planId=" + plan, teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.kind").value("LIVE"))
                .andExpect(jsonPath("$.lessonPlanId").value(plan))
                .andExpect(jsonPath("$.parts[0].students.length()").value(5));
        String proposal = read("/api/assignments/proposal?from=HOMEWORK&planId=" + plan, teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.parts.length()").value(3))
                .andExpect(jsonPath("$.parts[0].tier").value("BASIC"))
                .andExpect(jsonPath("$.parts[0].label").value("基础"))
                .andExpect(jsonPath("$.parts[2].items.length()").value(2))
                .andReturn().getResponse().getContentAsString();
        JsonNode parts = json.readTree(proposal).get("parts");
        int placed = 0;
        for (JsonNode part : parts) {
            placed += part.get("students").size();
        }
        assertThat(placed).isEqualTo(5);
        // Another teacher cannot read the plan; a student cannot ask.
        read("/api/assignments/proposal?from=HOMEWORK&planId=" + plan, schools.bearer(school.teacher2Name()))
                .andExpect(status().isNotFound());
        read("/api/assignments/proposal?from=NEXT_STEPS", teacher).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("assignment-proposal-needs"));
        read("/api/assignments/proposal?from=NEXT_STEPS&classId=" + school.class1() + "&items=3", teacher)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.parts.length()").value(5))
                .andExpect(jsonPath("$.parts[0].students.length()").value(1))
                .andExpect(jsonPath("$.parts[0].items.length()").value(org.hamcrest.Matchers.lessThanOrEqualTo(3)));
        read("/api/assignments/proposal?from=NEXT_STEPS&classId=" + school.class2(), teacher).andExpect(status().isForbidden());
        // A proposal goes back as an assignment with its plan.
        String request = """
                {"classId":%d,"title":"分层作业","lessonPlanId":%d,"parts":[{"label":"基础","itemIds":[%d],"studentIds":[%d]}]}"""
                .formatted(school.class1(), plan, school.choiceItem(), school.student1());
        create(request).andExpect(status().isCreated()).andExpect(jsonPath("$.lessonPlanId").value(plan));
    }

    @Test
    void aReminderReachesThoseWhoHaveNotHandedInOnceInTenMinutes() throws Exception {
        String missing = schools.moreStudents(school, 1).getFirst();
        long id = create("""
                {"classId":%d,"title":"周末作业","itemIds":[%d],"dueAt":"%s"}"""
                .formatted(school.class1(), school.choiceItem(), inDays(2)))
                .andReturn().getResponse().getContentAsString().transform(this::id);
        post("/api/assignments/" + id + "/remind", teacher).andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-not-published"));
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        save(id, school.choiceItem(), "A").andExpect(status().isNoContent());
        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk());

        post("/api/assignments/" + id + "/remind", teacher).andExpect(status().isOk())
                .andExpect(jsonPath("$.students").value(1));
        post("/api/assignments/" + id + "/remind", teacher).andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-reminded-recently"));
        read("/api/notifications", schools.bearer(missing))
                .andExpect(jsonPath("$[0].text").value(org.hamcrest.Matchers.containsString("「周末作业」还没有提交，截止时间是")))
                .andExpect(jsonPath("$[0].link").value("/study/tasks?task=" + id));
        read("/api/notifications", student).andExpect(jsonPath("$.length()").value(0));
    }

    @Test
    void aSecondAttemptWhenTheTeacherAllowsItTheLastCountsAndKeysWaitUntilNoneIsLeft() throws Exception {
        long id = create("""
                {"classId":%d,"title":"可以重做","itemIds":[%d],"attempts":2}""".formatted(school.class1(), school.choiceItem()))
                .andExpect(jsonPath("$.attempts").value(2))
                .andReturn().getResponse().getContentAsString().transform(this::id);
        post("/api/assignments/" + id + "/publish", teacher).andExpect(status().isOk());
        post("/api/me/tasks/" + id + "/retry", student).andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-not-handed-in"));
        save(id, school.choiceItem(), "B").andExpect(status().isNoContent());
        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.task.score").value(0.0))
                .andExpect(jsonPath("$.feedback[0].correct").value(false))
                .andExpect(jsonPath("$.feedback[0].rightAnswer").doesNotExist()); // an attempt is left

        post("/api/me/tasks/" + id + "/retry", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.task.state").value("IN_PROGRESS"))
                .andExpect(jsonPath("$.task.attempt").value(2))
                .andExpect(jsonPath("$.saved.%d".formatted(school.choiceItem())).value("B"));
        save(id, school.choiceItem(), "A").andExpect(status().isNoContent());
        post("/api/me/tasks/" + id + "/submit", student).andExpect(status().isOk())
                .andExpect(jsonPath("$.task.score").value(1.0))
                .andExpect(jsonPath("$.feedback[0].rightAnswer").value("A"));
        post("/api/me/tasks/" + id + "/retry", student).andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("assignment-no-attempts-left"));
        read("/api/assignments/" + id + "/results", teacher)
                .andExpect(jsonPath("$.byStudent[?(@.studentId == %d)].attempt".formatted(school.student1())).value(2))
                .andExpect(jsonPath("$.byStudent[?(@.studentId == %d)].score".formatted(school.student1())).value(1.0));
        // Both attempts' answers count for mastery, as practice does.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE assignment_id = ?").param(id).query(Integer.class).single())
                .isEqualTo(2);
    }

    @Test
    void theBankFiltersByBloomLevelTypeAndDifficulty() throws Exception {
        read("/api/items?subjectId=%d&type=FILL_IN".formatted(school.subject()), teacher)
                .andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$[0].id").value(school.fillInItem()));
        read("/api/items?subjectId=%d&bloomLevel=REMEMBER".formatted(school.subject()), teacher)
                .andExpect(jsonPath("$[0].id").value(school.choiceItem()))
                .andExpect(jsonPath("$[0].explanation").isNotEmpty());
        jdbc.sql("UPDATE item SET difficulty = 1.5 WHERE id = ?").param(school.fillInItem()).update();
        read("/api/items?subjectId=%d&minDifficulty=1&maxDifficulty=2".formatted(school.subject()), teacher)
                .andExpect(jsonPath("$.length()").value(1));
        read("/api/items?minDifficulty=9", teacher).andExpect(status().isBadRequest());
    }

    private long userId(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = ?").param(username).query(Long.class).single();
    }

    private double mastery(long kp) throws Exception {
        JsonNode points = json.readTree(read("/api/students/" + school.student1() + "/mastery", teacher)
                .andReturn().getResponse().getContentAsString()).get("knowledgePoints");
        for (JsonNode point : points) {
            if (point.get("kpId").asLong() == kp) {
                return point.get("probability").asDouble();
            }
        }
        throw new AssertionError("no knowledge point " + kp);
    }

    private static String inDays(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private long id(String body) {
        return json.readTree(body).get("id").asLong();
    }

    private ResultActions create(String body) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/assignments")
                .header(HttpHeaders.AUTHORIZATION, teacher).contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private ResultActions save(long id, long item, String answer) throws Exception {
        return mvc.perform(put("/api/me/tasks/" + id + "/answers/" + item).header(HttpHeaders.AUTHORIZATION, student)
                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(java.util.Map.of("answer", answer))));
    }

    private ResultActions post(String url, String bearer) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(url)
                .header(HttpHeaders.AUTHORIZATION, bearer));
    }

    private ResultActions read(String url, String bearer) throws Exception {
        return mvc.perform(get(url).header(HttpHeaders.AUTHORIZATION, bearer));
    }
}
