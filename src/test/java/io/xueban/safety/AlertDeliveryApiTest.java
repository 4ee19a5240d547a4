package io.xueban.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import io.xueban.system.Db;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An alert is never lost: written with the student's message, delivered by the outbox, tried
 * again after a failed delivery, and delivered once however often a round runs. Delivery rounds
 * run only when the test says (the background interval is set to an hour).
 */
@XuebanTest
class AlertDeliveryApiTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();
    static final FakeSmtpServer SMTP = startSmtp();

    static FakeSmtpServer startSmtp() {
        try {
            return new FakeSmtpServer();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
        registry.add("xueban.safety.delivery-interval", () -> "PT1H");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", SMTP::port);
    }

    @AfterAll
    static void stop() throws IOException {
        SERVER.close();
        SMTP.close();
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
    AlertDelivery delivery;
    @MockitoSpyBean
    InAppChannel inApp;

    @Test
    void aSelfHarmAlertReachesTheTeacherOnceEvenWhenTheFirstDeliveryFails() throws Exception {
        TestSchools.School school = schools.create();
        String student = schools.bearer(school.student1Name());
        mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, student)).andExpect(status().isOk());
        long conversation = json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, student)
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();
        MvcResult started = mvc.perform(post("/api/conversations/" + conversation + "/messages")
                        .header(HttpHeaders.AUTHORIZATION, student).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"content\":\"I want to die, nobody cares\"}"))
                .andExpect(status().isOk()).andReturn();
        assertThat(mvc.perform(asyncDispatch(started)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("event:reply");
        long alert = jdbc.sql("SELECT id FROM alert WHERE student_id = ?").param(school.student1()).query(Long.class).single();

        doThrow(new IllegalStateException("notification store unavailable")).doCallRealMethod().when(inApp).deliver(any());
        assertThat(delivery.deliverDue()).isZero();
        assertThat(jdbc.sql("SELECT status || ':' || attempts FROM outbox WHERE alert_id = ?").param(alert)
                .query(String.class).single()).isEqualTo("PENDING:1");
        assertThat(delivery.deliverDue()).as("not due again yet").isZero();

        makeDueNow();
        assertThat(delivery.deliverDue()).isEqualTo(1);
        makeDueNow();
        assertThat(delivery.deliverDue()).isZero();

        JsonNode notifications = json.readTree(mvc.perform(get("/api/notifications")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));
        assertThat(notifications).hasSize(1);
        assertThat(notifications.get(0).get("text").asString()).contains("自伤倾向").contains("一班学生");
        assertThat(json.readTree(mvc.perform(get("/api/notifications")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher2Name())))
                .andReturn().getResponse().getContentAsString())).isEmpty();
        mvc.perform(post("/api/notifications/" + notifications.get(0).get("id").asLong() + "/read")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher2Name())))
                .andExpect(status().isNotFound());
    }

    @Test
    void aDeliveryThatDiedHalfWayIsDeliveredOnceOnTheNextRound() {
        TestSchools.School school = schools.create();
        long alert = Db.insert(jdbc, """
                        INSERT INTO alert (school_id, student_id, category, severity, excerpt, created_at)
                        VALUES (?, ?, 'BULLYING', 'MEDIUM', '有人欺负我', CURRENT_TIMESTAMP)""", school.id(), school.student1());
        jdbc.sql("""
                        INSERT INTO outbox (school_id, alert_id, recipient_id, channel, status, attempts, next_attempt)
                        VALUES (?, ?, ?, 'IN_APP', 'PENDING', 0, CURRENT_TIMESTAMP - INTERVAL '1' MINUTE)""")
                .params(school.id(), alert, school.teacher1()).update();
        long outbox = jdbc.sql("SELECT id FROM outbox WHERE alert_id = ?").param(alert).query(Long.class).single();
        // The notification was written, then the instance died before the outbox row was marked.
        jdbc.sql("""
                        INSERT INTO notification (school_id, user_id, alert_id, outbox_id, text, created_at)
                        VALUES (?, ?, ?, ?, '安全提醒', CURRENT_TIMESTAMP)""")
                .params(school.id(), school.teacher1(), alert, outbox).update();

        assertThat(delivery.deliverDue()).isEqualTo(1);

        assertThat(jdbc.sql("SELECT COUNT(*) FROM notification WHERE outbox_id = ?").param(outbox).query(Integer.class)
                .single()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT status FROM outbox WHERE id = ?").param(outbox).query(String.class).single())
                .isEqualTo("DELIVERED");
    }

    @Test
    void staffWithAnAddressAreAlsoEmailed() throws Exception {
        TestSchools.School school = schools.create();
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/api/users/" + school.teacher1())
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName()))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"email\":\"teacher1@school.example\"}"))
                .andExpect(status().isOk());
        String student = schools.bearer(school.student1Name());
        mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, student)).andExpect(status().isOk());
        long conversation = json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, student)
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();
        MvcResult started = mvc.perform(post("/api/conversations/" + conversation + "/messages")
                        .header(HttpHeaders.AUTHORIZATION, student).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"content\":\"我在学校被欺负了\"}"))
                .andExpect(status().isOk()).andReturn();
        mvc.perform(asyncDispatch(started)).andReturn();
        long alert = jdbc.sql("SELECT id FROM alert WHERE student_id = ?").param(school.student1()).query(Long.class).single();
        assertThat(jdbc.sql("SELECT channel FROM outbox WHERE alert_id = ? ORDER BY channel").param(alert)
                .query(String.class).list()).containsExactly("EMAIL", "IN_APP");

        makeDueNow();
        assertThat(delivery.deliverDue()).isEqualTo(2);

        jakarta.mail.internet.MimeMessage mail = SMTP.received().getLast();
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("teacher1@school.example");
        assertThat(mail.getSubject()).contains("学伴安全提醒").contains("欺凌");
        assertThat(mail.getContent().toString()).contains("一班学生").contains("被欺负");
    }

    @Test
    void anAlertIsAcknowledgedHandedOverAndResolvedWithANoteAndEveryStepIsKept() throws Exception {
        TestSchools.School school = schools.create();
        String student = schools.bearer(school.student1Name());
        String teacher = schools.bearer(school.teacher1Name());
        String colleague = schools.bearer(school.teacher2Name());
        mvc.perform(post("/api/ai-policy/accept").header(HttpHeaders.AUTHORIZATION, student)).andExpect(status().isOk());
        long conversation = json.readTree(mvc.perform(post("/api/conversations").header(HttpHeaders.AUTHORIZATION, student)
                        .contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();
        mvc.perform(asyncDispatch(mvc.perform(post("/api/conversations/" + conversation + "/messages")
                        .header(HttpHeaders.AUTHORIZATION, student).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"content\":\"I want to die, nobody cares\"}")).andReturn()));
        JsonNode open = read("/api/alerts?status=NEW", teacher);
        assertThat(open).hasSize(1);
        long id = open.get(0).get("id").asLong();
        assertThat(open.get(0).get("conversationId").asLong()).isEqualTo(conversation);
        assertThat(open.get(0).get("messageId").isNull()).isFalse();
        // Who does not teach the student does not see it, nor the conversation.
        mvc.perform(get("/api/alerts/" + id).header(HttpHeaders.AUTHORIZATION, colleague)).andExpect(status().isForbidden());
        assertThat(read("/api/alerts", colleague)).isEmpty();
        String transcript = "/api/conversations/" + conversation + "/messages";
        mvc.perform(get(transcript).header(HttpHeaders.AUTHORIZATION, colleague)).andExpect(status().isForbidden());

        act(id, teacher, "{\"action\":\"RESOLVED\"}").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("alert-note-needed"));
        act(id, teacher, "{\"action\":\"ACKNOWLEDGED\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.alert.status").value("ACKNOWLEDGED"));
        act(id, teacher, "{\"action\":\"ACKNOWLEDGED\"}").andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("alert-status-changed"));
        act(id, teacher, "{\"action\":\"HANDED_OVER\",\"toUserId\":%d}".formatted(school.student2()))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.code").value("alert-hand-over-to-whom"));

        // Handed over: the colleague is told, sees it and resolves it.
        act(id, teacher, "{\"action\":\"HANDED_OVER\",\"toUserId\":%d,\"note\":\"请心理老师跟进\"}"
                .formatted(school.teacher2())).andExpect(status().isOk())
                .andExpect(jsonPath("$.alert.assignedTo").value(school.teacher2()));
        JsonNode told = read("/api/notifications", colleague);
        assertThat(told.get(0).get("text").asString()).contains("转交").contains("请心理老师跟进");
        assertThat(told.get(0).get("link").asString()).isEqualTo("/conversations?alert=" + id);
        assertThat(read("/api/alerts?status=OPEN", colleague)).hasSize(1);
        assertThat(read(transcript, colleague).get("messages").toString()).contains("I want to die");
        act(id, colleague, "{\"action\":\"RESOLVED\",\"note\":\"已与学生和家长谈过，转介校心理室\"}")
                .andExpect(status().isOk()).andExpect(jsonPath("$.alert.status").value("RESOLVED"));
        assertThat(read("/api/alerts?status=OPEN", teacher)).isEmpty();
        // Resolved: the colleague's reading of the student's conversations ends with it.
        mvc.perform(get(transcript).header(HttpHeaders.AUTHORIZATION, colleague)).andExpect(status().isForbidden());
        assertThat(read("/api/alerts?status=RESOLVED", teacher)).hasSize(1);
        act(id, colleague, "{\"action\":\"HANDED_OVER\",\"toUserId\":%d}".formatted(school.teacher1()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.code").value("alert-resolved"));

        JsonNode history = read("/api/alerts/" + id, teacher).get("events");
        assertThat(history).extracting(e -> e.get("action").asString() + " " + e.get("actorName").asString())
                .containsExactly("ACKNOWLEDGED 一班老师", "HANDED_OVER 一班老师", "RESOLVED 二班老师");
        assertThat(history.get(2).get("note").asString()).isEqualTo("已与学生和家长谈过，转介校心理室");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE target_type = 'alert' AND target_id = ?").param(id)
                .query(Integer.class).single()).isEqualTo(3);
        // Reopening is for those responsible for the student, not the colleague it was handed to.
        act(id, colleague, "{\"action\":\"REOPENED\"}").andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("alert-reopen-responsible-only"));
        act(id, teacher, "{\"action\":\"REOPENED\"}").andExpect(jsonPath("$.alert.status").value("ACKNOWLEDGED"));
    }

    private org.springframework.test.web.servlet.ResultActions act(long id, String bearer, String body) throws Exception {
        return mvc.perform(post("/api/alerts/" + id + "/events").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private JsonNode read(String url, String bearer) throws Exception {
        return json.readTree(mvc.perform(get(url).header(HttpHeaders.AUTHORIZATION, bearer)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    private void makeDueNow() {
        jdbc.sql("UPDATE outbox SET next_attempt = CURRENT_TIMESTAMP - INTERVAL '1' MINUTE WHERE status = 'PENDING'")
                .update();
    }
}
