package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Photographed work against the scripted model server standing in for a vision model. */
@XuebanTest
class PhotoApiTest {

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

    @BeforeEach
    void reset() throws Exception {
        SERVER.reset();
        SERVER.firstTokenMillis(5).tokensPerSecond(1000).replyTokens(5);
        school = schools.create();
        ScriptedBackend.awaitUp(mvc, json, schools.bearer(school.adminName()));
    }

    @Test
    void evenASureReadingIsADraftUntilTheTeacherConfirmsIt() throws Exception {
        SERVER.when("请批改照片", ScriptedModelServer.Reply.of("""
                {"transcription":"√16 = 4，选 A","steps":["写出 √16 = 4","选择 A"],"correct":true,"confidence":0.93,
                 "feedback":"算术平方根求对了。"}"""));
        byte[] photo = png(400, 200);
        int answersBefore = schools.rows("response", school.id());

        JsonNode submission = json.readTree(submit(school.student1Name(), photo, school.choiceItem(), null)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("NEEDS_REVIEW"))
                .andExpect(jsonPath("$.reading.transcription").value("√16 = 4，选 A"))
                .andExpect(jsonPath("$.reading.correct").value(true))
                .andExpect(jsonPath("$.finalCorrect").doesNotExist())
                .andReturn().getResponse().getContentAsString());

        // The model saw the item, its key and the photo itself.
        JsonNode request = SERVER.chatRequests().getLast();
        JsonNode user = request.get("messages").get(1);
        assertThat(user.get("content").asString()).contains("16 的算术平方根是").contains("标准答案：A");
        assertThat(user.get("images").get(0).asString()).isEqualTo(Base64.getEncoder().encodeToString(photo));
        // Nothing counts yet, however sure the model was.
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore);
        review(school.teacher1Name(), submission.get("id").asLong(), true)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("CONFIRMED"));
        // The teacher's judgement is recorded, as a photo, and counts for mastery.
        mvc.perform(get("/api/students/" + school.student1() + "/responses")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(jsonPath("$[0].source").value("PHOTO"))
                .andExpect(jsonPath("$[0].correct").value(true));
        assertThat(schools.rows("photo_submission", school.id())).isEqualTo(1);
        mvc.perform(get("/api/photo-submissions/" + submission.get("id").asLong() + "/image")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content().bytes(photo));
    }

    @Test
    void anUnsureReadingWaitsForTheTeacherWhoseJudgementIsRecorded() throws Exception {
        SERVER.when("请批改照片", ScriptedModelServer.Reply.of("""
                {"transcription":"[看不清] = 4","steps":[],"correct":true,"confidence":0.41,"feedback":"字迹不太清楚。"}"""));
        int answersBefore = schools.rows("response", school.id());

        // Another photo: readings at temperature 0 are cached, so the same photo would get the same reading.
        long id = json.readTree(submit(school.teacher1Name(), png(420, 210), school.choiceItem(), school.student1())
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("NEEDS_REVIEW"))
                .andReturn().getResponse().getContentAsString()).get("id").asLong();
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore);
        mvc.perform(get("/api/classes/" + school.class1() + "/photo-submissions").param("status", "NEEDS_REVIEW")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(jsonPath("$[0].id").value(id));

        review(school.student1Name(), id, false).andExpect(status().isForbidden());
        review(school.teacher2Name(), id, false).andExpect(status().isForbidden());
        review(school.teacher1Name(), id, false)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("CORRECTED"))
                .andExpect(jsonPath("$.finalCorrect").value(false));
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore + 1);
        review(school.teacher1Name(), id, true)
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("photo-already-reviewed"));
    }

    @Test
    void badImagesAreRefusedAndNothingIsStoredOrAsked() throws Exception {
        int requests = SERVER.requests();

        submit(school.student1Name(), "不是图片".getBytes(), school.choiceItem(), null)
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.code").value("unsupported-image-type"));
        submit(school.student1Name(), png(20, 20), school.choiceItem(), null)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("image-too-small"));
        byte[] broken = png(400, 200);
        java.util.Arrays.fill(broken, 20, broken.length, (byte) 7);
        submit(school.student1Name(), broken, school.choiceItem(), null)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("image-unreadable"));
        byte[] huge = new byte[10 * 1024 * 1024 + 1];
        submit(school.student1Name(), huge, school.choiceItem(), null)
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.code").value("image-too-large"));
        submit(school.student2Name(), png(400, 200), school.choiceItem(), school.student1())
                .andExpect(status().isForbidden());

        assertThat(schools.rows("photo_submission", school.id())).isZero();
        assertThat(SERVER.requests()).isEqualTo(requests);
    }

    @Test
    void aPhotoAnswersAnOpenItemOfAnAssignmentAndTheTeacherMarksItWithTheSuggestionBeside() throws Exception {
        SERVER.when("请批改照片", ScriptedModelServer.Reply.of("""
                {"transcription":"当 a < 0 时，√(a²) = −a","steps":["分类讨论"],"correct":true,"confidence":0.9,
                 "feedback":"考虑了 a 为负数的情况。"}"""));
        long open = schools.openItem(school);
        String teacher = schools.bearer(school.teacher1Name());
        String student = schools.bearer(school.student1Name());
        long id = json.readTree(mvc.perform(post("/api/assignments").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                {"classId":%d,"title":"说理题","itemIds":[%d,%d]}""".formatted(school.class1(), open,
                                school.choiceItem())))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString()).get("id").asLong();
        mvc.perform(post("/api/assignments/" + id + "/publish").header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk());
        byte[] photo = png(440, 220);
        String url = "/api/me/tasks/" + id + "/answers/%d/photo";

        // Only open items take photos, only the student's own task, and never a teacher's.
        mvc.perform(photo(url.formatted(school.choiceItem()), photo, student)).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("assignment-photo-open-items-only"));
        mvc.perform(photo(url.formatted(open), photo, teacher)).andExpect(status().isForbidden());
        mvc.perform(photo(url.formatted(open), photo, schools.bearer(school.student2Name()))).andExpect(status().isNotFound());
        mvc.perform(photo(url.formatted(open), "not an image".getBytes(), student)).andExpect(status().isUnsupportedMediaType());

        mvc.perform(photo(url.formatted(open), photo, student)).andExpect(status().isOk())
                .andExpect(jsonPath("$.transcription").value("当 a < 0 时，√(a²) = −a"))
                .andExpect(jsonPath("$.correct").doesNotExist());
        mvc.perform(post("/api/me/tasks/" + id + "/submit").header(HttpHeaders.AUTHORIZATION, student))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.feedback[0].correct").doesNotExist());
        int answersBefore = schools.rows("response", school.id());

        mvc.perform(get("/api/assignments/marking?classId=" + school.class1()).header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(jsonPath("$[0].photo").value(true))
                .andExpect(jsonPath("$[0].answer").value("当 a < 0 时，√(a²) = −a"))
                .andExpect(jsonPath("$[0].suggestedCorrect").value(true));
        mvc.perform(get("/api/assignments/%d/answers/%d/%d/photo".formatted(id, school.student1(), open))
                        .header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content().bytes(photo));
        mvc.perform(get("/api/assignments/%d/answers/%d/%d/photo".formatted(id, school.student1(), open))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher2Name())))
                .andExpect(status().isForbidden());
        // Nothing counted until the teacher marks; then the teacher's mark does.
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore);
        mvc.perform(post("/api/assignments/%d/answers/%d/%d/mark".formatted(id, school.student1(), open))
                        .header(HttpHeaders.AUTHORIZATION, teacher).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"correct\":false}"))
                .andExpect(status().isNoContent());
        assertThat(schools.rows("response", school.id())).isEqualTo(answersBefore + 1);
    }

    private org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder photo(String url, byte[] image,
            String bearer) {
        var request = multipart(org.springframework.http.HttpMethod.PUT, url).file(new MockMultipartFile("image", "work.png",
                "image/png", image));
        request.header(HttpHeaders.AUTHORIZATION, bearer);
        return request;
    }

    private ResultActions submit(String user, byte[] image, long itemId, Long studentId) throws Exception {
        var request = multipart("/api/responses/photo")
                .file(new MockMultipartFile("image", "work.png", "image/png", image))
                .param("itemId", Long.toString(itemId));
        if (studentId != null) {
            request.param("studentId", Long.toString(studentId));
        }
        return mvc.perform(request.header(HttpHeaders.AUTHORIZATION, schools.bearer(user)));
    }

    private ResultActions review(String user, long id, boolean correct) throws Exception {
        return mvc.perform(post("/api/photo-submissions/" + id + "/review").contentType(MediaType.APPLICATION_JSON)
                .content("{\"correct\":" + correct + "}")
                .header(HttpHeaders.AUTHORIZATION, schools.bearer(user)));
    }


    /** A photo of handwriting, as far as the tests care: a real PNG with some strokes on it. */
    static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, height / 6)));
        g.drawString("sqrt(16) = 4", 10, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
