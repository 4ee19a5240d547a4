package io.xueban.lessonplan;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;

/** The school's lesson template: every section by default; admins reorder and rename, within limits. */
@XuebanTest
class LessonTemplateApiTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;

    @Test
    void adminsSetTheSectionsTheirOrderAndHeadings() throws Exception {
        TestSchools.School school = schools.create();
        String admin = schools.bearer(school.adminName());
        mvc.perform(get("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, admin))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(10))
                .andExpect(jsonPath("$[0].title").value("教学目标"));

        mvc.perform(put("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, admin)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                [{"section":"LEARNER_ANALYSIS","title":"学情分析"},{"section":"OBJECTIVES","title":" 学习目标 "},
                                 {"section":"PROCESS","title":"教学流程"}]"""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(3))
                .andExpect(jsonPath("$[1].title").value("学习目标"));
        mvc.perform(get("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(jsonPath("$[2].title").value("教学流程"));
    }

    @Test
    void aTemplateKeepsObjectivesAndProcessAndNamesEachSectionOnce() throws Exception {
        TestSchools.School school = schools.create();
        String admin = schools.bearer(school.adminName());
        mvc.perform(put("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, admin)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                [{"section":"OBJECTIVES","title":"目标"},{"section":"BOARD_DESIGN","title":"板书"}]"""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("template-missing-section"))
                .andExpect(jsonPath("$.detail").value("教案模板必须包含“教学过程”栏目。"));
        mvc.perform(put("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, admin)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                [{"section":"OBJECTIVES","title":"目标"},{"section":"PROCESS","title":"过程"},
                                 {"section":"OBJECTIVES","title":"再来一次"}]"""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("template-duplicate-section"));
        mvc.perform(put("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, admin)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                [{"section":"NOT_A_SECTION","title":"目标"},{"section":"PROCESS","title":"过程"}]"""))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/lesson-template").header(HttpHeaders.AUTHORIZATION, admin))
                .andExpect(jsonPath("$.length()").value(10));
    }
}
