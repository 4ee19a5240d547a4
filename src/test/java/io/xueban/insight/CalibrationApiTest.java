package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemRequest;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.school.Roster;
import io.xueban.security.Role;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@XuebanTest
class CalibrationApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    ItemCalibration calibration;
    @Autowired
    Roster roster;
    @Autowired
    Items items;
    @Autowired
    Responses responses;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aCsvAnswerMatrixIsCalibratedWithEitherModel() throws Exception {
        Simulations.Simulated sim = Simulations.simulate(42, 800, 8, 0.8, 1.6, 0.05);
        String csv = csv(sim.data());
        TestSchools.School school = schools.create();

        for (String model : List.of("rasch", "2pl")) {
            JsonNode result = json.readTree(calibrate(school.teacher1Name(), model, csv)
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.model").value(model))
                    .andExpect(jsonPath("$.persons").value(800))
                    .andExpect(jsonPath("$.converged").value(true))
                    .andExpect(jsonPath("$.items.length()").value(8))
                    .andReturn().getResponse().getContentAsString());
            Calibration direct = model.equals("rasch") ? RaschCml.fit(sim.data()) : TwoPlMml.fit(sim.data());
            for (int i = 0; i < 8; i++) {
                JsonNode item = result.get("items").get(i);
                assertThat(item.get("id").asString()).isEqualTo("Q" + (i + 1));
                assertThat(item.get("difficulty").asDouble()).isCloseTo(direct.items().get(i).difficulty(), within(1e-9));
                assertThat(item.get("se").asDouble()).isPositive();
            }
            assertThat(result.get("logLikelihood").asDouble()).isNegative();
        }
    }

    @Test
    void badMatricesAreRefusedRowByRow() throws Exception {
        TestSchools.School school = schools.create();
        calibrate(school.teacher1Name(), "rasch", "Q1,Q2,Q3\n1,0,\n1,x,0\n1,0\n0,1,1\n")
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("invalid-rows"))
                .andExpect(jsonPath("$.errors[0].row").value(3))
                .andExpect(jsonPath("$.errors[0].message").value("item Q2: \"x\" is not 1, 0 or empty"))
                .andExpect(jsonPath("$.errors[1].row").value(4));
        calibrate(school.teacher1Name(), "rasch", "Q1\n1\n0\n")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("calibration-header"));
        calibrate(school.teacher1Name(), "3pl", "Q1,Q2\n1,0\n")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("unknown-calibration-model"));
        calibrate(school.student1Name(), "rasch", "Q1,Q2\n1,0\n0,1\n")
                .andExpect(status().isForbidden());
    }

    @Test
    void theSchoolsOwnItemsAreCalibratedFromStoredAnswersAndUpdated() {
        // A school's stored answers drawn from a 2PL with known parameters: 25 items, 600 students.
        TestSchools.School school = schools.create();
        Simulations.Simulated sim = Simulations.simulate(7, 600, 25, 0.8, 1.6, 0.1);
        List<Long> itemIds = new ArrayList<>();
        for (int i = 0; i < sim.difficulty().length; i++) {
            itemIds.add(items.create(school.id(), new ItemRequest(school.subject(), "CAL-" + (i + 1), ItemType.FILL_IN,
                    "第 " + (i + 1) + " 题", null, "1", null, BloomLevel.APPLY, List.of(school.kp1()), null)));
        }
        Instant at = Instant.parse("2026-10-01T10:00:00Z");
        List<NewResponse> answers = new ArrayList<>();
        for (int p = 0; p < sim.data().persons(); p++) {
            long student = roster.createUser(school.id(), school.prefix() + ".cal" + p, "学生" + p, Role.STUDENT,
                    "{noop}unused", true);
            for (int i = 0; i < itemIds.size(); i++) {
                byte score = sim.data().scores()[p][i];
                if (score != ResponseMatrix.MISSING) {
                    answers.add(new NewResponse(school.id(), student, itemIds.get(i), score == 1, (double) score, null,
                            null, ResponseSource.IMPORTED, at.plusSeconds(60L * i)));
                }
            }
        }
        responses.recordAll(answers);

        ItemCalibration.SchoolCalibration result = calibration.calibrateSchool(school.id(), null, ItemCalibration.Model.RASCH);

        assertThat(result.calibration().converged()).isTrue();
        // Only the answered items are updated (the school has two more, never answered).
        assertThat(result.itemsUpdated()).isEqualTo(itemIds.size());
        double[] estimated = new double[itemIds.size()];
        for (int i = 0; i < itemIds.size(); i++) {
            estimated[i] = jdbc.sql("SELECT difficulty FROM item WHERE id = ? AND calibration_model = 'rasch'")
                    .param(itemIds.get(i)).query(Double.class).single();
        }
        double r = Simulations.correlation(estimated, sim.difficulty());
        System.out.printf("Rasch CML on a school's stored answers (2PL truth, 600 students × 25 items): r(b, true b) = %.3f%n", r);
        assertThat(r).isGreaterThan(0.95);
    }

    @Test
    void onlyAdminsCalibrateTheSchoolsItems() throws Exception {
        TestSchools.School school = schools.create();
        mvc.perform(post("/api/insight/item-calibrations").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/insight/item-calibrations").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName())))
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("calibration-no-data"));
    }

    private ResultActions calibrate(String user, String model, String csv) throws Exception {
        return mvc.perform(post("/api/insight/calibrations").param("model", model)
                .contentType(MediaType.valueOf("text/csv")).content(csv)
                .header(HttpHeaders.AUTHORIZATION, schools.bearer(user)));
    }

    private static String csv(ResponseMatrix data) {
        StringBuilder out = new StringBuilder(String.join(",", data.itemIds())).append('\n');
        for (byte[] row : data.scores()) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == 0 ? "" : ",").append(row[i] == ResponseMatrix.MISSING ? "" : Byte.toString(row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
