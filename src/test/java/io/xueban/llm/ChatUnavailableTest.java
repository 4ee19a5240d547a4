package io.xueban.llm;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The test profile's model server is not running: AI answers 503, everything else works. */
@XuebanTest
class ChatUnavailableTest {

    /** The operator's token in application-test.yml. */
    static final String METRICS_TOKEN = "test-metrics-token";

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    LlmGateway gateway;

    @Test
    void aiAnswers503SayingWhichServerIsDownAndHowToStartIt() throws Exception {
        gateway.backends().probe();
        TestSchools.School school = schools.create();
        mvc.perform(post("/api/ai/chat").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name()))
                        .contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON)
                        .content("{\"messages\":[{\"role\":\"user\",\"content\":\"你好\"}]}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists(HttpHeaders.RETRY_AFTER))
                .andExpect(jsonPath("$.code").value("llm-unavailable"))
                .andExpect(jsonPath("$.detail").value(containsString("127.0.0.1:9")))
                .andExpect(jsonPath("$.detail").value(containsString("ollama pull qwen2.5:7b")));

        // The rest of the application is healthy and says what the AI part lacks.
        mvc.perform(get("/actuator/health").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName())))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.components.llm.status").value("DEGRADED"))
                .andExpect(jsonPath("$.components.llm.details.ollama.reachable").value(false))
                .andExpect(jsonPath("$.components.llm.details.ollama.action").value(containsString("start Ollama")));
        mvc.perform(get("/api/classes").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isOk());
    }

    @Test
    void metricsAreExportedForPrometheusToTheOperatorOnly() throws Exception {
        TestSchools.School school = schools.create();
        mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, "Bearer " + METRICS_TOKEN))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                        .string(containsString("xueban_llm_queue_length")));
        // A school's admin sees their school, not the whole instance.
        for (String user : List.of(school.adminName(), school.teacher1Name())) {
            mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, schools.bearer(user)))
                    .andExpect(status().isForbidden());
        }
        mvc.perform(get("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, "Bearer wrong-" + METRICS_TOKEN))
                .andExpect(status().isUnauthorized());
        // The operator's token is no API token.
        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + METRICS_TOKEN))
                .andExpect(status().isUnauthorized());
    }
}
