package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

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
import io.xueban.demo.DemoSchool;
import io.xueban.school.Roster;
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
    DemoSchool demo;
    @Autowired
    Roster roster;
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
        demo.load();
        long school = roster.schoolByCode("demo").orElseThrow();

        ItemCalibration.SchoolCalibration result = calibration.calibrateSchool(school, null, ItemCalibration.Model.RASCH);

        assertThat(result.calibration().converged()).isTrue();
        assertThat(result.itemsUpdated()).isGreaterThan(150);
        List<double[]> pairs = new ArrayList<>();
        jdbc.sql("""
                        SELECT i.difficulty, t.param_value FROM item i
                        JOIN simulation_truth t ON t.ref_id = i.id AND t.kind = 'ITEM' AND t.param_name = 'difficulty'
                        WHERE i.school_id = ? AND i.calibration_model = 'rasch'""")
                .param(school)
                .query(rs -> {
                    pairs.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
                });
        double r = Simulations.correlation(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                pairs.stream().mapToDouble(p -> p[1]).toArray());
        System.out.printf("Rasch CML on the demo school's stored answers: %d items, %d students, r(b, true b) = %.3f%n",
                result.itemsUpdated(), result.calibration().personsUsed(), r);
        assertThat(pairs).hasSize(result.itemsUpdated());
        assertThat(r).isGreaterThan(0.85);
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
