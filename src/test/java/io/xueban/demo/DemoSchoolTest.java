package io.xueban.demo;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoSchoolTest {

    @Autowired
    DemoSchool demo;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    TestSchools schools;

    long school;

    @BeforeAll
    void load() {
        demo.load();
        school = jdbc.sql("SELECT id FROM school WHERE code = 'demo'").query(Long.class).single();
    }

    @Test
    void hasThePromisedSize() {
        assertThat(count("knowledge_point")).isGreaterThanOrEqualTo(25);
        assertThat(count("item")).isGreaterThanOrEqualTo(120);
        assertThat(count("class_group")).isEqualTo(3);
        assertThat(jdbc.sql("SELECT role, COUNT(*) FROM app_user WHERE school_id = ? GROUP BY role ORDER BY role")
                .param(school).query((rs, n) -> rs.getString(1) + "=" + rs.getInt(2)).list())
                .containsExactly("ADMIN=1", "STUDENT=120", "TEACHER=3");
        assertThat(count("response")).isGreaterThanOrEqualTo(20_000);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM item WHERE school_id = ? AND type = 'SINGLE_CHOICE'")
                .param(school).query(Integer.class).single()).isLessThan(count("item"));
    }

    @Test
    void everyKnowledgePointIsTestedAndEveryItemTagged() {
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM knowledge_point k WHERE k.school_id = ?
                AND NOT EXISTS (SELECT 1 FROM item_kp t WHERE t.kp_id = k.id)""").param(school).query(Integer.class).single())
                .isZero();
        assertThat(jdbc.sql("""
                SELECT COUNT(*) FROM item i WHERE i.school_id = ?
                AND NOT EXISTS (SELECT 1 FROM item_kp t WHERE t.item_id = i.id)""").param(school).query(Integer.class).single())
                .isZero();
        assertThat(count("kp_prerequisite")).isGreaterThanOrEqualTo(25);
    }

    @Test
    void simulatedAnswersFollowTheTrueParameters() {
        // Students of higher true ability answer more items right: the history carries the signal.
        List<double[]> rows = jdbc.sql("""
                SELECT t.param_value AS ability, AVG(CASE WHEN r.correct THEN 1.0 ELSE 0.0 END) AS rate
                FROM simulation_truth t JOIN response r ON r.student_id = t.ref_id
                WHERE t.school_id = ? AND t.kind = 'STUDENT' GROUP BY t.ref_id, t.param_value""")
                .param(school).query((rs, n) -> new double[] {rs.getDouble(1), rs.getDouble(2)}).list();
        assertThat(rows).hasSize(120);
        assertThat(correlation(rows)).isGreaterThan(0.8);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM simulation_truth WHERE school_id = ? AND kind = 'ITEM'")
                .param(school).query(Integer.class).single()).isEqualTo(2 * count("item"));
        // What each student truly mastered is stored, point by point, and students differ in it.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM simulation_mastery WHERE school_id = ?").param(school)
                .query(Integer.class).single()).isEqualTo(120 * count("knowledge_point"));
        Map<Long, Set<Long>> masteredBy = new HashMap<>();
        jdbc.sql("SELECT student_id, kp_id FROM simulation_mastery WHERE school_id = ? AND mastered").param(school)
                .query(rs -> {
                    masteredBy.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2));
                });
        long patterns = masteredBy.values().stream().distinct().count();
        assertThat(patterns).isGreaterThan(60);
    }

    @Test
    void loadingTwiceChangesNothing() {
        int before = count("response");
        assertThat(demo.load()).isNull();
        assertThat(count("response")).isEqualTo(before);
    }

    @Test
    void demoTeacherSignsInAndSeesTheirClass() throws Exception {
        String token = json.readTree(mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"wang.laoshi\",\"password\":\"" + DemoSchool.PASSWORD + "\"}"))
                .andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString()).get("token").asString();
        mvc.perform(get("/api/classes").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(jsonPath("$", hasSize(1)))
                .andExpect(jsonPath("$[0].name").value("初二(1)班"))
                .andExpect(jsonPath("$[0].studentCount").value(40));
        long classId = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = '初二(1)班'")
                .param(school).query(Long.class).single();
        mvc.perform(get("/api/classes/" + classId + "/students").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(jsonPath("$", hasSize(40)))
                .andExpect(jsonPath("$[0].username").value("s080101"))
                .andExpect(jsonPath("$[0].classes[0].name").value("初二(1)班"));
    }

    private int count(String table) {
        return schools.rows(table, school);
    }

    private static double correlation(List<double[]> xy) {
        double n = xy.size();
        double mx = xy.stream().mapToDouble(r -> r[0]).sum() / n;
        double my = xy.stream().mapToDouble(r -> r[1]).sum() / n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] r : xy) {
            sxy += (r[0] - mx) * (r[1] - my);
            sxx += (r[0] - mx) * (r[0] - mx);
            syy += (r[1] - my) * (r[1] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
