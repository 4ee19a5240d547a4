package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;

/** The test profile's model server is down: a photo answers 503 and nothing is recorded. */
@XuebanTest
class PhotoUnavailableTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;

    @Test
    void noVisionModelMeans503AndNothingStored() throws Exception {
        TestSchools.School school = schools.create();

        mvc.perform(multipart("/api/responses/photo")
                        .file(new MockMultipartFile("image", "work.png", "image/png", PhotoApiTest.png(400, 200)))
                        .param("itemId", Long.toString(school.choiceItem()))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.student1Name())))
                .andExpect(status().isServiceUnavailable());

        assertThat(schools.rows("photo_submission", school.id())).isZero();
        assertThat(schools.rows("response", school.id())).isZero();
    }
}
