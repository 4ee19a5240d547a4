package io.xueban.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.knowledge.DocumentKind;
import io.xueban.knowledge.DocumentMetadata;
import io.xueban.knowledge.KnowledgeIngestion;
import io.xueban.knowledge.Visibility;
import io.xueban.school.Roster;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Every role against every endpoint of the foundation, on its own records and on records of
 * another class and another school. Another school's record answers 404; another class's 403.
 * Later features add their endpoints to {@link #cases()}.
 */
@XuebanTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

    /** Who acts: school A's admin, two teachers (t1 teaches class1), two students (s1 in class1); school B's admin, teacher, student. */
    enum Actor { ADMIN_A, T1, T2, S1, S2, ADMIN_B, T_B, S_B }

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    Roster roster;
    @Autowired
    KnowledgeIngestion library;
    @Autowired
    JsonMapper json;

    TestSchools.School a;
    TestSchools.School b;
    long unenrolledStudent;
    long document;
    long privateDocument;
    long assignment;
    long draft;

    @BeforeAll
    void schools() throws Exception {
        a = schools.create();
        b = schools.create();
        document = library.add(a.id(), a.teacher1(), "共享.md", "# 勾股定理\n直角三角形两直角边的平方和等于斜边的平方。\n"
                .getBytes(StandardCharsets.UTF_8), new DocumentMetadata(null, null, 8, null, List.of(),
                DocumentKind.TEACHING_NOTE, null, Visibility.SCHOOL));
        privateDocument = library.add(a.id(), a.teacher1(), "私有.md", "# 私人笔记\n只给自己看的备课思路。\n"
                .getBytes(StandardCharsets.UTF_8), new DocumentMetadata(null, null, 8, null, List.of(),
                DocumentKind.OTHER, null, Visibility.PRIVATE));
        unenrolledStudent = roster.createUser(a.id(), a.prefix() + ".s3", "未分班学生", Role.STUDENT,
                "{noop}unused-password", true);
        // A published assignment of class1 (set by T1), for its student s1.
        String created = mvc.perform(request(HttpMethod.POST, "/api/assignments")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"classId\":%d,\"title\":\"作业\",\"itemIds\":[%d]}".formatted(a.class1(), a.choiceItem())))
                .andReturn().getResponse().getContentAsString();
        assignment = json.readTree(created).get("id").asLong();
        mvc.perform(request(HttpMethod.POST, "/api/assignments/" + assignment + "/publish")
                .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())));
        // A draft, for the actions whose refusals on state (409) must come after the access decision.
        draft = json.readTree(mvc.perform(request(HttpMethod.POST, "/api/assignments")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"classId\":%d,\"title\":\"草稿\",\"itemIds\":[%d]}".formatted(a.class1(), a.choiceItem())))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        // Record endpoints: class1 and student1 belong to school A, class1 is taught by T1.
        add(cases, "GET", "/api/classes/{class1}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/classes/{class1}/students", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/students/{student1}", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/students/{student1}/responses", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "POST", "/api/responses", "{\"studentId\":{student1},\"itemId\":{choiceItem},\"answer\":\"A\"}",
                "ADMIN_A=201 T1=201 T2=403 S1=201 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        // Batches and imports are staff-only: a student's answers come one at a time, marked by the server.
        add(cases, "POST", "/api/responses/batch", "[{\"studentId\":{student1},\"itemId\":{choiceItem},\"correct\":true}]",
                "ADMIN_A=201 T1=201 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "POST", "/api/responses/import", "student,item,correct\n{student1Name},I-1,1\n",
                "ADMIN_A=201 T1=201 T2=422 S1=403 S2=403 ADMIN_B=422 T_B=422 S_B=403");
        add(cases, "PUT", "/api/classes/{class1}/students/{student3}", null, "ADMIN_A=204 T1=403 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=403 S_B=403");
        add(cases, "POST", "/api/users/{student3}/sign-out", null, "ADMIN_A=204 T1=403 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=403 S_B=403");
        add(cases, "GET", "/api/users/{teacher1}", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=403 S_B=403");
        add(cases, "PATCH", "/api/users/{student1}", "{\"displayName\":\"一班学生\"}",
                "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=403 S_B=403");
        add(cases, "GET", "/api/items/{choiceItem}", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "PUT", "/api/items/{choiceItem}",
                "{\"subjectId\":{subject},\"code\":\"I-1\",\"type\":\"SINGLE_CHOICE\",\"stem\":\"16 的算术平方根是（　　）\","
                        + "\"options\":[\"4\",\"±4\",\"−4\",\"8\"],\"answerKey\":\"A\",\"bloomLevel\":\"REMEMBER\",\"kpIds\":[{kp1}]}",
                "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/knowledge-points/{kp1}", null, "ADMIN_A=200 T1=200 T2=200 S1=200 S2=200 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "PUT", "/api/knowledge-points/{kp2}",
                "{\"subjectId\":{subject},\"code\":\"KP-2\",\"name\":\"二次根式的概念\",\"grade\":8,\"prerequisiteIds\":[{kp1}]}",
                "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        // Collection endpoints: what each role may do in its own school.
        add(cases, "GET", "/api/classes", null, "ADMIN_A=200 T1=200 T2=200 S1=200 S2=200 ADMIN_B=200 T_B=200 S_B=200");
        add(cases, "POST", "/api/classes", "{\"name\":\"初二({unique})班\",\"grade\":8}",
                "ADMIN_A=201 T1=403 T2=403 S1=403 S2=403 ADMIN_B=201 T_B=403 S_B=403");
        add(cases, "GET", "/api/users", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        add(cases, "POST", "/api/users", "{\"username\":\"u{unique}\",\"displayName\":\"新用户\",\"role\":\"TEACHER\",\"password\":\"long-enough-1\"}",
                "ADMIN_A=201 T1=403 T2=403 S1=403 S2=403 ADMIN_B=201 T_B=403 S_B=403");
        add(cases, "GET", "/api/roster/imports/no-such-import", null, "ADMIN_A=404 T1=403 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=403 S_B=403");
        // Assignments: its class's teachers and admins manage them; its students answer them.
        add(cases, "POST", "/api/assignments", "{\"classId\":{class1},\"title\":\"作业\",\"itemIds\":[{choiceItem}]}",
                "ADMIN_A=201 T1=201 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments?classId={class1}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}/results", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}/results/export", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}/live", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}/live/stream", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}/review", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/marking?classId={class1}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "POST", "/api/assignments/{assignment}/answers/{student1}/{choiceItem}/mark", "{\"correct\":true}",
                "ADMIN_A=409 T1=409 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/{assignment}/answers/{student1}/{choiceItem}/photo", null,
                "ADMIN_A=404 T1=404 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "POST", "/api/assignments/{draft}/remind", null, "ADMIN_A=409 T1=409 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "POST", "/api/assignments/{draft}/close", null, "ADMIN_A=409 T1=409 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/assignments/proposal?from=NEXT_STEPS&classId={class1}", null,
                "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/me/tasks", null, "ADMIN_A=403 T1=403 T2=403 S1=200 S2=200 ADMIN_B=403 T_B=403 S_B=200");
        add(cases, "GET", "/api/me/tasks/{assignment}", null, "ADMIN_A=403 T1=403 T2=403 S1=200 S2=404 ADMIN_B=403 T_B=403 S_B=404");
        add(cases, "POST", "/api/me/tasks/{assignment}/retry", null, "ADMIN_A=403 T1=403 T2=403 S1=409 S2=404 ADMIN_B=403 T_B=403 S_B=404");
        add(cases, "PUT", "/api/me/tasks/{assignment}/answers/{choiceItem}", "{\"answer\":\"A\"}",
                "ADMIN_A=403 T1=403 T2=403 S1=204 S2=404 ADMIN_B=403 T_B=403 S_B=404");
        add(cases, "POST", "/api/roster", "username,display_name,role,class,grade\nr{unique},新同学,student,初二(9)班,8\n",
                "ADMIN_A=201 T1=403 T2=403 S1=403 S2=403 ADMIN_B=201 T_B=403 S_B=403");
        add(cases, "GET", "/api/teaching-assignments", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        add(cases, "GET", "/api/items", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "POST", "/api/subjects", "{\"code\":\"s{unique}\",\"name\":\"物理\"}",
                "ADMIN_A=201 T1=403 T2=403 S1=403 S2=403 ADMIN_B=201 T_B=403 S_B=403");
        // The test profile's model server is down: staff get 503, students may not use the open chat.
        add(cases, "POST", "/api/ai/chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"你好\"}]}",
                "ADMIN_A=503 T1=503 T2=503 S1=403 S2=403 ADMIN_B=503 T_B=503 S_B=403");
        // The library: staff only; a document of school A, and teacher 1's private one (deleted by its owner).
        add(cases, "GET", "/api/knowledge/documents/{doc1}", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "GET", "/api/knowledge/documents/{doc1}/events", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "GET", "/api/knowledge/documents", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "GET", "/api/knowledge/search?q=勾股定理", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "DELETE", "/api/knowledge/documents/{privateDoc}", null, "ADMIN_A=404 T1=204 T2=404 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "GET", "/api/knowledge/index", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        add(cases, "POST", "/api/knowledge/index/rebuild", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        // Item calibration: staff on uploaded matrices; admins on the school's items (too few answers here: 422).
        add(cases, "POST", "/api/insight/calibrations?model=rasch", "Q1,Q2\n1,0\n0,1\n",
                "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "POST", "/api/insight/item-calibrations", null, "ADMIN_A=422 T1=403 T2=403 S1=403 S2=403 ADMIN_B=422 T_B=403 S_B=403");
        // Mastery: a student's own (and their teachers'), a class's matrix for its teachers; refits for admins.
        add(cases, "GET", "/api/students/{student1}/mastery", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/classes/{class1}/mastery", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "POST", "/api/insight/mastery-fit", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        add(cases, "GET", "/api/insight/mastery-fit", null, "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        // Class insight: profile and students at risk for the class's teachers; item statistics for staff.
        add(cases, "GET", "/api/classes/{class1}/profile", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/classes/{class1}/at-risk?kpIds={kp2}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/insight/item-statistics?classId={class1}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "GET", "/api/insight/item-statistics", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "GET", "/api/classes/{class1}/misconceptions?kpId={kp1}", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/classes/{class1}/photo-submissions", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/students/{student1}/path", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/classes/{class1}/path-goal", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "PUT", "/api/classes/{class1}/path-goal", "{\"kpIds\":[{kp1}]}", "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/students/{student1}/path-goal", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "PUT", "/api/students/{student1}/path-goal", "{\"kpIds\":[]}", "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "GET", "/api/students/{student1}/path/overrides", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "PUT", "/api/students/{student1}/path/overrides/{kp1}", "{\"action\":\"SKIP\",\"reason\":\"课外已学过\"}",
                "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        // No decision on KP-2: those allowed to remove one are told it does not exist.
        add(cases, "DELETE", "/api/students/{student1}/path/overrides/{kp2}", null, "ADMIN_A=404 T1=404 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        add(cases, "GET", "/api/students/{student1}/path/history", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        // The model server is down: the planner's own sentences, still 200.
        add(cases, "GET", "/api/students/{student1}/path/explanation", null, "ADMIN_A=200 T1=200 T2=403 S1=200 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        add(cases, "GET", "/api/classes/{class1}/path", null, "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=404");
        // Lesson plans: written only for a class its teacher teaches (the model server is down: the plan fails later).
        add(cases, "POST", "/api/lesson-plans", "{\"classId\":{class1},\"subjectId\":{subject},\"kpIds\":[{kp1}],\"lessonType\":\"新授课\",\"duration\":40}",
                "ADMIN_A=403 T1=200 T2=403 S1=403 S2=403 ADMIN_B=403 T_B=404 S_B=403");
        add(cases, "GET", "/api/lesson-plans", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "GET", "/api/lesson-template", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "PUT", "/api/lesson-template", "[{\"section\":\"OBJECTIVES\",\"title\":\"学习目标\"},{\"section\":\"PROCESS\",\"title\":\"教学过程\"}]",
                "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        // Co-teaching: safety settings for staff (changed by admins), alerts for staff, everyone's own policy,
        // notifications and conversations; a student's conversations for their teachers.
        add(cases, "GET", "/api/safety-settings", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "PUT", "/api/safety-settings", "{\"strictness\":\"MEDIUM\",\"dailyCap\":100,\"quietStart\":\"22:00\","
                + "\"quietEnd\":\"06:00\",\"retentionDays\":180,\"answerAfter\":3,\"supportContacts\":[\"心理老师\"],"
                + "\"keywords\":{},\"alertAdmins\":false}",
                "ADMIN_A=200 T1=403 T2=403 S1=403 S2=403 ADMIN_B=200 T_B=403 S_B=403");
        add(cases, "GET", "/api/alerts", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "GET", "/api/alerts?status=OPEN", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "GET", "/api/alerts/colleagues", null, "ADMIN_A=200 T1=200 T2=200 S1=403 S2=403 ADMIN_B=200 T_B=200 S_B=403");
        add(cases, "GET", "/api/ai-policy", null, "ADMIN_A=200 T1=200 T2=200 S1=200 S2=200 ADMIN_B=200 T_B=200 S_B=200");
        add(cases, "GET", "/api/notifications", null, "ADMIN_A=200 T1=200 T2=200 S1=200 S2=200 ADMIN_B=200 T_B=200 S_B=200");
        add(cases, "POST", "/api/conversations", "{}", "ADMIN_A=201 T1=201 T2=201 S1=201 S2=201 ADMIN_B=201 T_B=201 S_B=201");
        add(cases, "GET", "/api/conversations?studentId={student1}", null,
                "ADMIN_A=200 T1=200 T2=403 S1=403 S2=403 ADMIN_B=404 T_B=404 S_B=403");
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} as {2} → {3}")
    @MethodSource("cases")
    void roleSeesOnlyWhatItMay(String method, String path, Actor actor, int expected, String body) throws Exception {
        var request = request(HttpMethod.valueOf(method), fill(path))
                .header(HttpHeaders.AUTHORIZATION, schools.bearer(username(actor)));
        if (body != null) {
            String filled = fill(body);
            request.content(filled).contentType(filled.startsWith("{") || filled.startsWith("[") ? MediaType.APPLICATION_JSON
                    : MediaType.valueOf("text/csv"));
        }
        int status = mvc.perform(request).andReturn().getResponse().getStatus();
        assertThat(status).as("%s %s as %s", method, path, actor).isEqualTo(expected);
    }

    private static void add(List<Arguments> cases, String method, String path, String body, String expectations) {
        Map<Actor, Integer> expected = new LinkedHashMap<>();
        for (String pair : expectations.split(" ")) {
            String[] parts = pair.split("=");
            expected.put(Actor.valueOf(parts[0]), Integer.valueOf(parts[1]));
        }
        assertThat(expected.keySet()).as("every actor has an expectation for %s %s", method, path)
                .containsExactlyInAnyOrder(Actor.values());
        expected.forEach((actor, status) -> cases.add(Arguments.of(method, path, actor, status, body)));
    }

    private String fill(String template) {
        return template
                .replace("{class1}", Long.toString(a.class1()))
                .replace("{student1Name}", a.student1Name())
                .replace("{student1}", Long.toString(a.student1()))
                .replace("{student3}", Long.toString(unenrolledStudent))
                .replace("{teacher1}", Long.toString(a.teacher1()))
                .replace("{choiceItem}", Long.toString(a.choiceItem()))
                .replace("{subject}", Long.toString(a.subject()))
                .replace("{kp1}", Long.toString(a.kp1()))
                .replace("{kp2}", Long.toString(a.kp2()))
                .replace("{doc1}", Long.toString(document))
                .replace("{assignment}", Long.toString(assignment))
                .replace("{draft}", Long.toString(draft))
                .replace("{privateDoc}", Long.toString(privateDocument))
                .replace("{unique}", a.prefix() + "n" + UNIQUE.incrementAndGet());
    }

    private String username(Actor actor) {
        return switch (actor) {
            case ADMIN_A -> a.adminName();
            case T1 -> a.teacher1Name();
            case T2 -> a.teacher2Name();
            case S1 -> a.student1Name();
            case S2 -> a.student2Name();
            case ADMIN_B -> b.adminName();
            case T_B -> b.teacher1Name();
            case S_B -> b.student1Name();
        };
    }
}
