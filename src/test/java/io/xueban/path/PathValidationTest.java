package io.xueban.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.demo.DemoSchool;
import io.xueban.demo.DemoUnit;
import io.xueban.demo.MasterySimulation;
import io.xueban.school.Roster;
import io.xueban.security.Role;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Learning paths against the truth of a simulated term, through the API a teacher uses: a copy of
 * the demo school's model is fitted on its 120 students; three classes of 40 held-out students, simulated
 * with another seed by a process unlike the fitted model ({@link MasterySimulation}), are enrolled,
 * their answers imported by the teacher, and each student's path read. Counted: how many first
 * learning steps lie on the student's true outer fringe (not mastered, every prerequisite
 * mastered), and how many different first steps each class gets. Printed, and written to
 * {@code target/path-validation.txt}.
 */
@XuebanTest
class PathValidationTest {

    static final int STUDENTS = 40;
    static final double[] CLASS_MEANS = {-0.4, 0, 0.4};
    static final long SEED = 1;
    private static final Instant TERM_START = Instant.parse("2026-09-07T10:00:00Z");

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    DemoSchool demo;
    @Autowired
    Roster roster;
    @Autowired
    JdbcClient jdbc;

    @Test
    void heldOutStudentsGetNextStepsOnTheirTrueFringe() throws Exception {
        // A copy of the demo school, so that the held-out classes leave the demo itself as other tests expect it.
        demo.load("demo-paths", "学伴路径验证校", "pv.", 20261206);
        long school = roster.schoolByCode("demo-paths").orElseThrow();
        DemoUnit unit = DemoUnit.load();
        Map<String, Long> kpIds = new HashMap<>();
        jdbc.sql("SELECT code, id FROM knowledge_point WHERE school_id = ?").param(school)
                .query(rs -> {
                    kpIds.put(rs.getString(1), rs.getLong(2));
                });
        Map<Long, Integer> kpIndex = new HashMap<>();
        for (int k = 0; k < unit.points().size(); k++) {
            kpIndex.put(kpIds.get(unit.pointCode(k)), k);
        }
        List<Long> itemIds = new ArrayList<>();
        for (String code : unit.itemCodes()) {
            itemIds.add(jdbc.sql("SELECT id FROM item WHERE school_id = ? AND code = ?").params(school, code)
                    .query(Long.class).single());
        }
        long subject = jdbc.sql("SELECT id FROM subject WHERE school_id = ?").param(school).query(Long.class).single();
        long teacher = jdbc.sql("SELECT id FROM app_user WHERE school_id = ? AND username = 'pv.wang.laoshi'").param(school)
                .query(Long.class).single();
        String bearer = schools.demoBearer("pv.wang.laoshi");

        // Three held-out classes, unlike each other as the demo's are, simulated with a seed the demo does not use.
        MasterySimulation simulation = new MasterySimulation(unit.points(), unit.items(), 8, 4, SEED);
        Map<Long, boolean[]> truth = new HashMap<>();
        List<List<Long>> classes = new ArrayList<>();
        for (int c = 0; c < CLASS_MEANS.length; c++) {
            long classId = roster.createClass(school, "验证%d班".formatted(c + 1), 8);
            roster.assign(school, teacher, classId, subject);
            List<Long> members = new ArrayList<>();
            for (int s = 0; s < STUDENTS; s++) {
                long student = roster.createUser(school, "pv.v08%02d%02d".formatted(c + 1, s + 1), "验证" + (s + 1),
                        Role.STUDENT, "{noop}unused", true);
                roster.enrol(school, classId, student);
                members.add(student);
                MasterySimulation.Student term = simulation.student(CLASS_MEANS[c], unit.teachingOrder(), 3, 6);
                truth.put(student, term.masteredAtEnd());
                List<Map<String, Object>> batch = new ArrayList<>();
                int n = 0;
                for (MasterySimulation.Answer answer : term.answers()) {
                    Instant at = TERM_START.plus(Duration.ofDays(7L * answer.week() + answer.day()))
                            .plus(Duration.ofMinutes(3L * n++));
                    batch.add(Map.of("studentId", student, "itemId", itemIds.get(answer.item()), "correct",
                            answer.correct(), "source", "IMPORTED", "answeredAt", at.toString()));
                }
                mvc.perform(post("/api/responses/batch").header(HttpHeaders.AUTHORIZATION, bearer)
                                .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(batch)))
                        .andExpect(status().isCreated());
            }
            classes.add(members);
        }

        int judged = 0;
        int onFringe = 0;
        int fringeless = 0;
        List<Integer> distinct = new ArrayList<>();
        for (List<Long> members : classes) {
            Set<Long> firstSteps = new HashSet<>();
            for (long student : members) {
                Set<Integer> fringe = trueFringe(unit, truth.get(student));
                JsonNode first = firstLearningStep(student, bearer);
                if (first != null) {
                    firstSteps.add(first.get("kpId").asLong());
                }
                if (fringe.isEmpty()) {
                    fringeless++;
                    continue;
                }
                judged++;
                if (first != null && fringe.contains(kpIndex.get(first.get("kpId").asLong()))) {
                    onFringe++;
                }
            }
            distinct.add(firstSteps.size());
        }
        double share = (double) onFringe / judged;
        String report = String.format(Locale.ROOT,
                "Learning paths against the simulated truth: %d held-out students in %d classes, demo model fitted on 120%n"
                        + "first learning step on the true outer fringe: %d of %d (%.3f); %d students had mastered everything%n"
                        + "distinct first steps per class of %d: %s%n",
                STUDENTS * CLASS_MEANS.length, CLASS_MEANS.length, onFringe, judged, share, fringeless, STUDENTS, distinct);
        System.out.print(report);
        Files.createDirectories(java.nio.file.Path.of("target"));
        Files.writeString(java.nio.file.Path.of("target/path-validation.txt"), report);

        assertThat(share).isGreaterThanOrEqualTo(0.85);
        assertThat(distinct).allMatch(count -> count >= 6);
    }

    /** The student's first step that is not a review, as the teacher's API gives it; null when there is none. */
    private JsonNode firstLearningStep(long student, String bearer) throws Exception {
        JsonNode path = json.readTree(mvc.perform(get("/api/students/" + student + "/path")
                        .header(HttpHeaders.AUTHORIZATION, bearer))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        for (JsonNode step : path.get("steps")) {
            if (!step.get("kind").asString().equals("REVIEW")) {
                return step;
            }
        }
        return null;
    }


    /** The points not mastered whose prerequisites all are. */
    private static Set<Integer> trueFringe(DemoUnit unit, boolean[] mastered) {
        Set<Integer> fringe = new HashSet<>();
        for (int k = 0; k < mastered.length; k++) {
            boolean ready = true;
            for (int p : unit.points().get(k).prerequisites()) {
                ready &= mastered[p];
            }
            if (!mastered[k] && ready) {
                fringe.add(k);
            }
        }
        return fringe;
    }
}
