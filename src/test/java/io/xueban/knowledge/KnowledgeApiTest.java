package io.xueban.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The library through its API: a teacher uploads a DOCX lesson design and finds it by an exact
 * term and by a paraphrase, with its citation; other schools and other teachers' private
 * documents never show; bad files are refused with nothing stored.
 */
@XuebanTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KnowledgeApiTest {

    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

    TestSchools.School a;
    TestSchools.School b;
    long lessonId;

    @BeforeAll
    void library() throws Exception {
        a = schools.create();
        b = schools.create();
        byte[] lesson = TestFiles.docx(List.of(
                TestFiles.Para.heading(1, "勾股定理的逆定理"),
                TestFiles.Para.body("执教：周立新（学伴实验中学 高级教师）"),
                TestFiles.Para.heading(2, "一、教学目标"),
                TestFiles.Para.body("理解勾股定理的逆定理，会用三边关系判定直角三角形。"),
                TestFiles.Para.heading(2, "二、教学过程"),
                TestFiles.Para.heading(3, "环节一：埃及结绳"),
                TestFiles.Para.body("古埃及人把一根绳子等距打上 13 个结，用木桩把绳子拉成三边分别为 3、4、5 个结距的三角形，"
                        + "就得到了一个直角。教师展示结绳的图片，请学生用 12 段等长的小棒复现这一做法。"),
                TestFiles.Para.heading(3, "环节二：猜想与验证"),
                TestFiles.Para.body("学生测量三边为 5、12、13 和 8、15、17 的三角形的最大角，猜想：如果三角形两边的平方和等于第三边的平方，"
                        + "那么这个三角形是直角三角形。")),
                List.of(List.of("环节", "时间"), List.of("埃及结绳", "8 分钟"), List.of("猜想与验证", "12 分钟")));
        lessonId = upload(a.teacher1Name(), file("逆定理教学设计.docx", DOCX, lesson), "LESSON_DESIGN", "周立新", null)
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value(org.hamcrest.Matchers.oneOf("PENDING", "PROCESSING", "READY")))
                .andExpect(jsonPath("$.title").value("勾股定理的逆定理"))
                .andReturn().getResponse().getHeader(HttpHeaders.LOCATION).transform(this::idOf);
        long other1 = id(upload(a.teacher2Name(), markdown("乘法.md", """
                # 二次根式的乘法
                ## 法则
                √a · √b = √(ab)（a ≥ 0，b ≥ 0），积的算术平方根等于各因式算术平方根的积。
                """), "TEACHING_NOTE", "陈慧敏", null));
        long other2 = id(upload(a.adminName(), markdown("有理化.md", """
                # 分母有理化
                ## 方法
                分母是 √a 时，分子分母同乘 √a；分母是 √a + √b 时，同乘 √a − √b，利用平方差公式化去根号。
                """), "TEACHING_NOTE", null, null));
        // The same exact term in another school's library and in a colleague's private notes
        long foreign = id(upload(b.teacher1Name(), markdown("外校.md", """
                # 外校资料：埃及结绳
                古埃及人用打了 13 个结的绳子围成 3、4、5 的三角形得到直角。
                """), "OTHER", null, null));
        long privateNote = id(upload(a.teacher2Name(), markdown("私人笔记.md", """
                # 我的备课笔记：埃及结绳
                结绳法引入时先让学生猜一猜角的大小。
                """), "OTHER", null, "PRIVATE"));
        for (long id : List.of(lessonId, other1, other2, foreign, privateNote)) {
            awaitReady(id);
        }
    }

    @Test
    void teacherFindsTheDocxLessonByExactTermWithItsCitation() throws Exception {
        JsonNode first = search(a.teacher1Name(), "埃及结绳").get(0);

        assertThat(first.get("citation").get("documentId").asLong()).isEqualTo(lessonId);
        assertThat(first.get("citation").get("title").asString()).isEqualTo("勾股定理的逆定理");
        assertThat(first.get("citation").get("author").asString()).isEqualTo("周立新");
        assertThat(first.get("citation").get("kind").asString()).isEqualTo("LESSON_DESIGN");
        assertThat(first.get("citation").get("headingPath").asString())
                .isEqualTo("勾股定理的逆定理 > 二、教学过程 > 环节一：埃及结绳");
        assertThat(first.get("label").asString())
                .isEqualTo("《勾股定理的逆定理》（周立新） · 勾股定理的逆定理 > 二、教学过程 > 环节一：埃及结绳");
        assertThat(first.get("text").asString()).contains("13 个结");
        assertThat(first.get("matchedBy").toString()).contains("keyword");
    }

    @Test
    void teacherFindsTheDocxLessonByAParaphrase() throws Exception {
        // Worded unlike the passage (no 埃及, 绳子, 结 or 直角): the meaning has to carry it.
        JsonNode results = search(a.teacher1Name(), "古人怎样不用量角器就得到九十度的角");

        assertThat(results.get(0).get("citation").get("documentId").asLong()).isEqualTo(lessonId);
        assertThat(results.get(0).get("citation").get("headingPath").asString()).endsWith("环节一：埃及结绳");
        assertThat(results.get(0).get("matchedBy").toString()).contains("vector");
    }

    @Test
    void anotherSchoolsAndAColleaguesPrivateDocumentsNeverAppear() throws Exception {
        for (JsonNode result : search(a.teacher1Name(), "埃及结绳", 50)) {
            String title = result.get("citation").get("title").asString();
            assertThat(title).doesNotContain("外校").doesNotContain("我的备课笔记");
        }
        List<String> ownerSees = titles(search(a.teacher2Name(), "埃及结绳", 50));
        assertThat(ownerSees).contains("我的备课笔记：埃及结绳").doesNotContain("外校资料：埃及结绳");
        List<String> otherSchool = titles(search(b.teacher1Name(), "埃及结绳", 50));
        assertThat(otherSchool).containsOnly("外校资料：埃及结绳");

        mvc.perform(get("/api/knowledge/documents/" + lessonId).header(HttpHeaders.AUTHORIZATION, schools.bearer(b.adminName())))
                .andExpect(status().isNotFound());
        long privateId = documents(a.teacher2Name()).stream().filter(d -> d.get("visibility").asString().equals("PRIVATE"))
                .findFirst().orElseThrow().get("id").asLong();
        mvc.perform(get("/api/knowledge/documents/" + privateId).header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())))
                .andExpect(status().isNotFound());
        assertThat(documents(a.teacher1Name())).extracting(d -> d.get("id").asLong()).doesNotContain(privateId);
        // Nor can it be read whole or downloaded, by a colleague, a student or another school.
        for (String path : List.of("/passages", "/file")) {
            mvc.perform(get("/api/knowledge/documents/" + privateId + path)
                    .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name()))).andExpect(status().isNotFound());
            mvc.perform(get("/api/knowledge/documents/" + privateId + path)
                    .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher2Name()))).andExpect(status().isOk());
            mvc.perform(get("/api/knowledge/documents/" + lessonId + path)
                    .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.student1Name()))).andExpect(status().isForbidden());
            mvc.perform(get("/api/knowledge/documents/" + lessonId + path)
                    .header(HttpHeaders.AUTHORIZATION, schools.bearer(b.adminName()))).andExpect(status().isNotFound());
        }
    }

    @Test
    void searchIsNarrowedByKnowledgePointGradeAndKind() throws Exception {
        long tagged = id(upload(a.teacher1Name(), markdown("面积法-标注.md", "# 面积法求高\n用两种方法表示同一个三角形的面积，求斜边上的高。\n"),
                "TEACHING_NOTE", null, null, "kpIds", Long.toString(a.kp1()), "grade", "7"));
        long untagged = id(upload(a.teacher1Name(), markdown("面积法-未标注.md", "# 面积法练习\n三角形面积的两种表示，求斜边上的高。\n"),
                "OTHER", null, null, "grade", "8"));
        awaitReady(tagged);
        awaitReady(untagged);

        assertThat(documentIds(searchWith("kpId", Long.toString(a.kp1())))).contains(tagged).doesNotContain(untagged);
        assertThat(documentIds(searchWith("grade", "8"))).contains(untagged).doesNotContain(tagged);
        assertThat(documentIds(searchWith("kind", "TEACHING_NOTE"))).contains(tagged).doesNotContain(untagged);
    }

    @Test
    void theSameFileAgainIsNotStoredTwice() throws Exception {
        byte[] content = "# 勾股数\n3、4、5 与 5、12、13 是常见的勾股数。\n".getBytes(StandardCharsets.UTF_8);
        long first = id(upload(a.teacher1Name(), file("勾股数.md", "text/markdown", content), "OTHER", null, null));
        int rows = schools.rows("kb_document", a.id());

        upload(a.teacher2Name(), file("勾股数-副本.md", "text/markdown", content), "OTHER", null, null)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.duplicate").value(true))
                .andExpect(jsonPath("$.id").value(first));
        assertThat(schools.rows("kb_document", a.id())).isEqualTo(rows);
    }

    @Test
    void progressEventsEndWithReady() throws Exception {
        MvcResult started = mvc.perform(get("/api/knowledge/documents/" + lessonId + "/events")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())))
                .andReturn();
        String events = mvc.perform(asyncDispatch(started)).andReturn().getResponse().getContentAsString();

        assertThat(events).contains("event:ready").contains("\"status\":\"READY\"").contains("\"chunksTotal\":");
    }

    @Test
    void deletingADocumentRemovesItsPassagesFromSearch() throws Exception {
        long id = id(upload(a.teacher1Name(), markdown("临时.md", "# 临时资料\n弦图拼接的面积关系可以证明勾股定理，这是一份临时资料。\n"),
                "OTHER", null, null));
        awaitReady(id);
        assertThat(titles(search(a.teacher1Name(), "临时资料", 50))).contains("临时资料");

        mvc.perform(delete("/api/knowledge/documents/" + id).header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher2Name())))
                .andExpect(status().isForbidden());
        mvc.perform(delete("/api/knowledge/documents/" + id).header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())))
                .andExpect(status().isNoContent());

        assertThat(titles(search(a.teacher1Name(), "临时资料", 50))).doesNotContain("临时资料");
        mvc.perform(get("/api/knowledge/documents/" + id).header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())))
                .andExpect(status().isNotFound());
        assertThat(schools.rows("kb_chunk", a.id())).isPositive();
    }

    @Test
    void badFilesAreRefusedWithTheReasonAndNothingIsStored() throws Exception {
        int documents = schools.rows("kb_document", a.id());
        int chunks = schools.rows("kb_chunk", a.id());

        upload(a.teacher1Name(), file("课件.pptx", "application/octet-stream", new byte[] {1, 2, 3}), null, null, null)
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.code").value("unsupported-file-type"));
        upload(a.teacher1Name(), file("空白.md", "text/markdown", new byte[0]), null, null, null)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("empty-file"));
        upload(a.teacher1Name(), file("加密.pdf", "application/pdf", TestFiles.pdf(List.of(List.of("secret")), "pw")), null, null, null)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("pdf-encrypted"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("密码")));
        upload(a.teacher1Name(), file("损坏.docx", DOCX, "PK\u0003\u0004broken".getBytes(StandardCharsets.ISO_8859_1)), null, null, null)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("docx-unreadable"));
        byte[] huge = new byte[20 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        upload(a.teacher1Name(), file("很大.txt", "text/plain", huge), null, null, null)
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.code").value("file-too-large"));
        upload(a.teacher1Name(), markdown("知识点.md", "# 标题\n正文\n"), null, null, null, "kpIds", Long.toString(b.kp1()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-knowledge-point"));
        mvc.perform(multipart("/api/knowledge/documents").param("kind", "OTHER")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())))
                .andExpect(status().isBadRequest());

        assertThat(schools.rows("kb_document", a.id())).isEqualTo(documents);
        assertThat(schools.rows("kb_chunk", a.id())).isEqualTo(chunks);
    }

    @Test
    void studentsCannotUseTheLibraryApi() throws Exception {
        mvc.perform(get("/api/knowledge/search").param("q", "勾股定理")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(a.student1Name())))
                .andExpect(status().isForbidden());
        upload(a.student1Name(), markdown("学生.md", "# 学生\n上传\n"), null, null, null)
                .andExpect(status().isForbidden());
    }

    @Test
    void oneTeachersLongDocumentDoesNotHoldUpAnothersAndATooLongOneIsRefusedAtOnce() throws Exception {
        TestSchools.School school = schools.create();
        StringBuilder longText = new StringBuilder("# 二次根式教学札记\n\n");
        for (int i = 1; i <= 1500; i++) {
            longText.append("第").append(i).append("段：化简二次根式时，先把被开方数分解因数，再把能开得尽方的因数移到根号外，")
                    .append("最后检查被开方数中是否还含有分母。\n\n");
        }
        long big = id(upload(school.teacher1Name(), markdown("札记.md", longText.toString()), null, null, null)
                .andExpect(status().isAccepted()));
        long small = id(upload(school.teacher2Name(), markdown("小结.md", "# 小结\n勾股定理的逆定理用于判定直角三角形。\n"),
                null, null, null).andExpect(status().isAccepted()));

        awaitReady(small);
        // The other teacher's note was ready while the long document was still being embedded.
        assertThat(jdbc.sql("SELECT status FROM kb_document WHERE id = ?").param(big).query(String.class).single())
                .isIn("PENDING", "PROCESSING");
        awaitReady(big);

        // More passages than a document may have, even with its sections merged: refused whole, nothing stored.
        String tooLong = ("很长的一段话，" .repeat(70) + "\n\n").repeat(KnowledgeIngestion.MAX_PASSAGES + 1);
        int before = schools.rows("kb_document", school.id());
        upload(school.teacher1Name(), markdown("全书.md", tooLong), null, null, null)
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("document-too-many-passages"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith("文档 全书.md 切分后超过每份文档")));
        assertThat(schools.rows("kb_document", school.id())).isEqualTo(before);
    }

    // ---- helpers

    private ResultActions upload(String user, MockMultipartFile file, String kind, String author, String visibility,
            String... extra) throws Exception {
        MockMultipartHttpServletRequestBuilder request = multipart("/api/knowledge/documents").file(file);
        if (kind != null) {
            request.param("kind", kind);
        }
        if (author != null) {
            request.param("author", author);
        }
        if (visibility != null) {
            request.param("visibility", visibility);
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            request.param(extra[i], extra[i + 1]);
        }
        return mvc.perform(request.header(HttpHeaders.AUTHORIZATION, schools.bearer(user)));
    }

    private static MockMultipartFile file(String name, String type, byte[] content) {
        return new MockMultipartFile("file", name, type, content);
    }

    private static MockMultipartFile markdown(String name, String text) {
        return file(name, "text/markdown", text.getBytes(StandardCharsets.UTF_8));
    }

    private long id(ResultActions upload) throws Exception {
        return json.readTree(upload.andReturn().getResponse().getContentAsString()).get("id").asLong();
    }

    private long idOf(String location) {
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    private void awaitReady(long id) throws Exception {
        assertThat(KnowledgeTesting.awaitFinished(jdbc, List.of(id), Duration.ofSeconds(120)))
                .as("document %d", id).containsOnly("READY");
    }

    private JsonNode search(String user, String query) throws Exception {
        return search(user, query, 5);
    }

    private JsonNode search(String user, String query, int limit) throws Exception {
        String body = mvc.perform(get("/api/knowledge/search").param("q", query).param("limit", Integer.toString(limit))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(user)))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        return json.readTree(body).get("results");
    }

    private List<JsonNode> documents(String user) throws Exception {
        String body = mvc.perform(get("/api/knowledge/documents").header(HttpHeaders.AUTHORIZATION, schools.bearer(user)))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        List<JsonNode> list = new ArrayList<>();
        json.readTree(body).forEach(list::add);
        return list;
    }

    private static List<String> titles(JsonNode results) {
        List<String> titles = new ArrayList<>();
        results.forEach(result -> titles.add(result.get("citation").get("title").asString()));
        return titles;
    }

    private JsonNode searchWith(String filter, String value) throws Exception {
        String body = mvc.perform(get("/api/knowledge/search").param("q", "面积法 斜边上的高").param("limit", "50")
                        .param(filter, value).header(HttpHeaders.AUTHORIZATION, schools.bearer(a.teacher1Name())))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        return json.readTree(body).get("results");
    }

    private static List<Long> documentIds(JsonNode results) {
        List<Long> ids = new ArrayList<>();
        results.forEach(result -> ids.add(result.get("citation").get("documentId").asLong()));
        return ids;
    }
}
