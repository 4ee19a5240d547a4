package io.xueban.system;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import io.xueban.TestSchools;

import static org.assertj.core.api.Assertions.assertThat;

/** Oversized bodies over real HTTP: refused with 413 before anything is read or written. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureTestRestTemplate
@org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc
@ActiveProfiles("test")
@org.springframework.context.annotation.Import(TestSchools.class)
class RequestLimitsTest {

    private static final int TEN_MB = 10 * 1024 * 1024;

    @Autowired
    TestRestTemplate http;
    @Autowired
    TestSchools schools;
    @Autowired
    JdbcClient jdbc;

    @Test
    void tenMegabyteJsonBodyIsRefusedWith413() {
        TestSchools.School school = schools.create();
        byte[] body = new byte[TEN_MB];
        Arrays.fill(body, (byte) ' ');
        body[0] = '[';
        body[TEN_MB - 1] = ']';
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name()));

        var response = http.postForEntity("/api/responses/batch", new HttpEntity<>(body, headers), String.class);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(response.getBody()).contains("body-too-large");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE school_id = ?").param(school.id())
                .query(Integer.class).single()).isZero();
    }
}
