package io.xueban.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.demo.DemoSchool;
import io.xueban.insight.MasteryLevel;
import io.xueban.insight.MasteryService;
import io.xueban.knowledge.KnowledgeTesting;
import io.xueban.school.Roster;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@XuebanTest
class PathApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    LearningPaths paths;
    @Autowired
    MasteryService mastery;
    @Autowired
    KnowledgePoints knowledgePoints;
    @Autowired
    DemoSchool demo;
    @Autowired
    Roster roster;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aNewStudentStartsWithTheRootPointAndItsItems() throws Exception {
        TestSchools.School school = schools.create();
        long open = schools.openItem(school);

        JsonNode path = json.readTree(mvc.perform(get("/api/students/" + school.student1() + "/path")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.student1Name())))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());

        JsonNode first = path.get("steps").get(0);
        assertThat(first.get("kpId").asLong()).isEqualTo(school.kp1());
        assertThat(first.get("kind").asString()).isEqualTo("LEARN");
        assertThat(first.get("explanation").asString()).startsWith("“算术平方根”的先修知识都已掌握，可以开始学习")
                .contains("它是这一阶段的学习目标").contains("学会后可以向 1 个目标推进");
        assertThat(first.get("items")).extracting(item -> item.get("itemId").asLong())
                .containsAnyOf(school.choiceItem(), school.fillInItem())
                // An open item waits for a teacher's mark: it is not practice on the path.
                .doesNotContain(open);
        // KP-2 needs KP-1, which is not mastered: it is not proposed.
        path.get("steps").forEach(step -> assertThat(step.get("kpId").asLong()).isNotEqualTo(school.kp2()));
    }

    @Test
    void teachersSetGoalsForAClassAndOverrideThemForOneStudent() throws Exception {
        TestSchools.School school = schools.create();
        String teacher = schools.bearer(school.teacher1Name());

        mvc.perform(put("/api/classes/" + school.class1() + "/path-goal").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"kpIds\":[%d]}".formatted(school.kp1())))
                .andExpect(status().isOk());
        assertThat(targets(school.student1(), teacher)).containsExactly(school.kp1());

        mvc.perform(put("/api/students/" + school.student1() + "/path-goal").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"kpIds\":[%d]}".formatted(school.kp2())))
                .andExpect(status().isOk());
        JsonNode path = read("/api/students/" + school.student1() + "/path", teacher);
        assertThat(path.get("targets")).extracting(JsonNode::asLong).containsExactly(school.kp2());
        // KP-2 needs KP-1: the path starts there.
        assertThat(path.get("steps").get(0).get("kpId").asLong()).isEqualTo(school.kp1());

        mvc.perform(put("/api/students/" + school.student1() + "/path-goal").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"kpIds\":[]}"))
                .andExpect(status().isOk());
        assertThat(targets(school.student1(), teacher)).containsExactly(school.kp1());

        TestSchools.School other = schools.create();
        mvc.perform(put("/api/classes/" + school.class1() + "/path-goal").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"kpIds\":[%d]}".formatted(other.kp1())))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-knowledge-point"));
        assertThat(targets(school.student1(), teacher)).containsExactly(school.kp1());
    }

    private List<Long> targets(long student, String bearer) throws Exception {
        List<Long> targets = new ArrayList<>();
        read("/api/students/" + student + "/path", bearer).get("targets").forEach(t -> targets.add(t.asLong()));
        return targets;
    }

    private JsonNode read(String url, String bearer) throws Exception {
        return json.readTree(mvc.perform(get(url).header(HttpHeaders.AUTHORIZATION, bearer))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    @Test
    void everyDemoStudentGetsAPathThatRespectsThePrerequisites() throws InterruptedException {
        demo.load();
        long school = roster.schoolByCode("demo").orElseThrow();
        Map<Long, KnowledgePoint> kps = new HashMap<>();
        knowledgePoints.list(school, null).forEach(kp -> kps.put(kp.id(), kp));
        List<Long> students = jdbc.sql("SELECT id FROM app_user WHERE school_id = ? AND role = 'STUDENT' ORDER BY id")
                .param(school).query(Long.class).list();
        paths.pathFor(school, students.getFirst(), null); // warm-up

        long[] micros = new long[students.size()];
        int steps = 0;
        for (int s = 0; s < students.size(); s++) {
            long start = System.nanoTime();
            LearningPaths.Path path = paths.pathFor(school, students.get(s), null);
            micros[s] = (System.nanoTime() - start) / 1000;
            var snapshot = mastery.snapshot(school, students.get(s));
            for (LearningPaths.PathStep step : path.steps()) {
                steps++;
                assertThat(step.explanation()).isNotBlank();
                if (step.kind() == Planner.Kind.LEARN) {
                    for (long prerequisite : kps.get(step.kpId()).prerequisiteIds()) {
                        assertThat(snapshot.knowledgePoints().get(prerequisite).level())
                                .isIn(MasteryLevel.PARTIAL, MasteryLevel.MASTERED);
                    }
                    assertThat(snapshot.knowledgePoints().get(step.kpId()).level()).isNotEqualTo(MasteryLevel.MASTERED);
                }
            }
        }
        Arrays.sort(micros);
        System.out.printf("Learning paths for %d demo students (%d steps): p50 %.2f ms, p99 %.2f ms, max %.2f ms per "
                + "student (snapshot, plan, explanations)%n", students.size(), steps, micros[micros.length / 2] / 1e3,
                micros[(int) (micros.length * 0.99)] / 1e3, micros[micros.length - 1] / 1e3);
        assertThat(steps).isGreaterThan(students.size());

        // Once the demo library is in, learning steps come with passages tagged with their point.
        List<Long> documents = jdbc.sql("SELECT id FROM kb_document WHERE school_id = ?").param(school)
                .query(Long.class).list();
        assertThat(KnowledgeTesting.awaitFinished(jdbc, documents, Duration.ofMinutes(3))).containsExactly("READY");
        int withResources = 0;
        for (long student : students) {
            for (LearningPaths.PathStep step : paths.pathFor(school, student, null).steps()) {
                for (LearningPaths.Resource resource : step.resources()) {
                    withResources++;
                    assertThat(resource.citation()).startsWith("《" + resource.title() + "》");
                    assertThat(jdbc.sql("SELECT COUNT(*) FROM kb_document_kp WHERE document_id = ? AND kp_id = ?")
                            .params(resource.documentId(), step.kpId()).query(Long.class).single()).isEqualTo(1);
                }
            }
        }
        assertThat(withResources).isGreaterThan(students.size());
    }

    @Test
    void theDemoClassesTiersWorkOnDifferentPointsAndItsStudentsAtRiskAreBehind() throws Exception {
        demo.load();
        long school = roster.schoolByCode("demo").orElseThrow();
        long classId = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = '初二(1)班'").param(school)
                .query(Long.class).single();
        String teacher = schools.demoBearer("wang.laoshi");

        JsonNode view = read("/api/classes/" + classId + "/path", teacher);
        List<List<Long>> foci = new ArrayList<>();
        Set<Long> nextSteps = new HashSet<>();
        for (JsonNode tier : view.get("tiers")) {
            List<Long> focus = new ArrayList<>();
            tier.get("focus").forEach(f -> focus.add(f.get("kpId").asLong()));
            foci.add(focus);
            tier.get("students").forEach(s -> {
                if (s.hasNonNull("next")) {
                    nextSteps.add(s.get("next").get("kpId").asLong());
                }
            });
            System.out.printf("Demo 初二(1)班 tier %s (mean %.2f): focus %s%n", tier.get("label").asString(),
                    tier.get("meanMastery").asDouble(), tier.get("focus").findValuesAsString("name"));
        }
        System.out.printf("Demo 初二(1)班: %d distinct next steps among 40 students%n", nextSteps.size());
        assertThat(foci).hasSize(3);
        // The 基础 tier's first focus is not the 拓展 tier's, and their foci differ.
        assertThat(foci.getFirst().getFirst()).isNotEqualTo(foci.getLast().getFirst());
        assertThat(Set.copyOf(foci.getFirst())).isNotEqualTo(Set.copyOf(foci.getLast()));
        assertThat(nextSteps).hasSizeGreaterThanOrEqualTo(6);

        // Those at risk for the Pythagorean theorem are truly behind on what it needs: fewer of its points mastered.
        long pythagoras = jdbc.sql("SELECT id FROM knowledge_point WHERE school_id = ? AND code = 'M8-PY-3'").param(school)
                .query(Long.class).single();
        Set<Long> atRisk = new HashSet<>();
        read("/api/classes/" + classId + "/at-risk?kpIds=" + pythagoras, teacher)
                .forEach(r -> atRisk.add(r.get("studentId").asLong()));
        Map<Long, List<Long>> prerequisites = new HashMap<>();
        knowledgePoints.list(school, null).forEach(kp -> prerequisites.put(kp.id(), kp.prerequisiteIds()));
        Set<Long> needed = Planner.closure(Set.of(pythagoras), prerequisites);
        Map<Long, double[]> trulyMastered = new HashMap<>();
        jdbc.sql("""
                        SELECT m.student_id, m.kp_id, m.mastered FROM simulation_mastery m
                        JOIN enrolment e ON e.student_id = m.student_id AND e.class_id = ?""")
                .param(classId)
                .query(rs -> {
                    if (needed.contains(rs.getLong(2))) {
                        double[] counts = trulyMastered.computeIfAbsent(rs.getLong(1), k -> new double[2]);
                        counts[0] += rs.getBoolean(3) ? 1 : 0;
                        counts[1]++;
                    }
                });
        double risk = trulyMastered.entrySet().stream().filter(e -> atRisk.contains(e.getKey()))
                .mapToDouble(e -> e.getValue()[0] / e.getValue()[1]).average().orElseThrow();
        double rest = trulyMastered.entrySet().stream().filter(e -> !atRisk.contains(e.getKey()))
                .mapToDouble(e -> e.getValue()[0] / e.getValue()[1]).average().orElseThrow();
        System.out.printf("Demo 初二(1)班, at risk for M8-PY-3: %d students, truly mastered %.2f of what it needs (others %.2f)%n",
                atRisk.size(), risk, rest);
        assertThat(atRisk).isNotEmpty().hasSizeLessThan(40);
        assertThat(risk).isLessThan(rest - 0.2);
    }

}
