package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.demo.DemoSchool;
import io.xueban.school.Roster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@XuebanTest
class MasteryApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    MasteryViews views;
    @Autowired
    DemoSchool demo;
    @Autowired
    Roster roster;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MasteryMigration migration;

    @Test
    void everyAnswerUpdatesTheStudentsMasteryAtOnce() throws Exception {
        TestSchools.School school = schools.create();
        JsonNode before = kp(mastery(school.teacher1Name(), school.student1()), school.kp1());
        assertThat(before.get("level").asString()).isEqualTo("NOT_STARTED");
        assertThat(before.get("levelLabel").asString()).isEqualTo("未学");
        assertThat(before.get("explanation").asString()).isEqualTo("还没有作答过这个知识点的题目。");

        List<Double> probabilities = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answer(school, school.choiceItem(), "A");
            probabilities.add(kp(mastery(school.student1Name(), school.student1()), school.kp1()).get("probability").asDouble());
        }
        // Four right answers in a row: mastered, at least 基本掌握.
        assertThat(kp(mastery(school.student1Name(), school.student1()), school.kp1()).get("level").asString())
                .isIn("PARTIAL", "MASTERED");
        answer(school, school.choiceItem(), "B");
        JsonNode after = kp(mastery(school.student1Name(), school.student1()), school.kp1());

        assertThat(probabilities).isSortedAccordingTo(Double::compare);
        assertThat(probabilities.getLast()).isGreaterThan(before.get("probability").asDouble());
        assertThat(after.get("probability").asDouble()).isLessThan(probabilities.getLast());
        assertThat(after.get("attempts").asInt()).isEqualTo(5);
        assertThat(after.get("correct").asInt()).isEqualTo(4);
        assertThat(after.get("explanation").asString()).startsWith("最近 4 次作答对了 3 次").contains("累计作答 5 次、答对 4 次");
        // The choice item tests KP-1 only: KP-2 is untouched.
        assertThat(kp(mastery(school.student1Name(), school.student1()), school.kp2()).get("attempts").asInt()).isZero();
    }

    @Test
    void statesWrittenBeforeTheHiddenStateModelAreRecomputedOnceAndTheAdminSeesIt() throws Exception {
        TestSchools.School school = schools.create();
        answer(school, school.choiceItem(), "A");
        answer(school, school.choiceItem(), "A");
        // As rows written before the model was upgraded: counts without a probability of mastery.
        jdbc.sql("UPDATE mastery SET mastered = NULL WHERE school_id = ?").param(school.id()).update();
        String admin = schools.bearer(school.adminName());
        JsonNode before = json.readTree(mvc.perform(get("/api/insight/mastery-fit").header(HttpHeaders.AUTHORIZATION, admin))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(before.get("model").asString()).isEqualTo("hidden-state tracing");
        assertThat(before.get("latest").isNull()).isTrue();

        migration.refitSchoolsWithOldStates();

        JsonNode after = json.readTree(mvc.perform(get("/api/insight/mastery-fit").header(HttpHeaders.AUTHORIZATION, admin))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(after.get("fittedAt").isNull()).isFalse();
        assertThat(after.get("latest").get("state").asString()).isEqualTo("DONE");
        assertThat(after.get("latest").get("reason").asString()).isEqualTo("MODEL_UPGRADE");
        assertThat(after.get("latest").get("refit").get("students").asInt()).isEqualTo(1);
        assertThat(after.get("latest").get("refit").get("responses").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM mastery WHERE school_id = ? AND mastered IS NULL").param(school.id())
                .query(Integer.class).single()).isZero();
        assertThat(kp(mastery(school.student1Name(), school.student1()), school.kp1()).get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void teachersSeeTheirClassesMatrixOthersDoNot() throws Exception {
        TestSchools.School school = schools.create();
        answer(school, school.fillInItem(), "3");
        JsonNode matrix = json.readTree(mvc.perform(get("/api/classes/" + school.class1() + "/mastery")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(matrix.get("knowledgePoints")).hasSize(2);
        assertThat(matrix.get("students")).hasSize(1);
        assertThat(matrix.get("students").get(0).get("cells").get(0).get("level").asString()).isEqualTo("LEARNING");
        assertThat(matrix.get("summary").get(0).get("levels").get("LEARNING").asInt()).isEqualTo(1);

        mvc.perform(get("/api/classes/" + school.class1() + "/mastery").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher2Name())))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/students/" + school.student1() + "/mastery").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.student2Name())))
                .andExpect(status().isForbidden());
    }

    @Test
    void theFittedDemoModelFindsWhatEachStudentTrulyMastered() {
        demo.load();
        long school = roster.schoolByCode("demo").orElseThrow();
        long classId = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = '初二(1)班'").param(school)
                .query(Long.class).single();
        Map<Long, Double> truth = new HashMap<>();
        jdbc.sql("SELECT ref_id, param_value FROM simulation_truth WHERE school_id = ? AND kind = 'STUDENT'").param(school)
                .query(rs -> {
                    truth.put(rs.getLong(1), rs.getDouble(2));
                });

        MasteryViews.ClassMastery matrix = views.classMatrix(school, classId, null);

        assertThat(matrix.modelFittedAt()).isNotNull();
        assertThat(matrix.students()).hasSize(40);
        assertThat(matrix.knowledgePoints()).hasSize(34);
        double[] mean = new double[40];
        double[] ability = new double[40];
        for (int s = 0; s < 40; s++) {
            MasteryViews.StudentRow row = matrix.students().get(s);
            mean[s] = row.cells().stream().mapToDouble(MasteryViews.Cell::probability).average().orElseThrow();
            ability[s] = truth.get(row.id());
        }
        double r = Simulations.correlation(mean, ability);
        System.out.printf("Demo class 初二(1)班: r(mean mastery, true aptitude) = %.3f%n", r);
        assertThat(r).isGreaterThan(0.8);

        // Point by point against what each student truly mastered at the end of the simulated term.
        Map<List<Long>, Boolean> mastered = new HashMap<>();
        jdbc.sql("SELECT student_id, kp_id, mastered FROM simulation_mastery WHERE school_id = ?").param(school)
                .query(rs -> {
                    mastered.put(List.of(rs.getLong(1), rs.getLong(2)), rs.getBoolean(3));
                });
        List<double[]> scored = new ArrayList<>();
        int[] labelled = new int[4]; // [truly mastered & 基本掌握 or better, truly mastered, not & below, not]
        for (MasteryViews.StudentRow row : matrix.students()) {
            for (int k = 0; k < matrix.knowledgePoints().size(); k++) {
                MasteryViews.Cell cell = row.cells().get(k);
                boolean truly = mastered.get(List.of(row.id(), matrix.knowledgePoints().get(k).id()));
                boolean shown = cell.level() == MasteryLevel.PARTIAL || cell.level() == MasteryLevel.MASTERED;
                scored.add(new double[] {cell.probability(), truly ? 1 : 0});
                labelled[truly ? 0 : 2] += shown == truly ? 1 : 0;
                labelled[truly ? 1 : 3]++;
            }
        }
        double auc = MasteryModelEvaluationTest.auc(scored);
        double balanced = ((double) labelled[0] / labelled[1] + (double) labelled[2] / labelled[3]) / 2;
        System.out.printf("Demo class 初二(1)班, 40 × 34 points against the true states: AUC %.3f, balanced accuracy of "
                + "the levels %.3f%n", auc, balanced);
        assertThat(auc).isGreaterThan(0.95);
        assertThat(balanced).isGreaterThan(0.9);
    }

    private void answer(TestSchools.School school, long item, String answer) throws Exception {
        mvc.perform(post("/api/responses").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"studentId\":%d,\"itemId\":%d,\"answer\":\"%s\"}".formatted(school.student1(), item, answer))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isCreated());
    }

    private JsonNode mastery(String user, long student) throws Exception {
        return json.readTree(mvc.perform(get("/api/students/" + student + "/mastery")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(user)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    private static JsonNode kp(JsonNode mastery, long kpId) {
        for (JsonNode kp : mastery.get("knowledgePoints")) {
            if (kp.get("kpId").asLong() == kpId) {
                return kp;
            }
        }
        throw new AssertionError("no knowledge point " + kpId + " in " + mastery);
    }
}
