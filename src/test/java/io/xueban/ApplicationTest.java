package io.xueban;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
class ApplicationTest {

    @Autowired
    MockMvc mvc;

    @Test
    void healthIsPublicAndUp() throws Exception {
        mvc.perform(get("/actuator/health"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void openApiDescribesTheApiWithoutTheSignedInUserAsAParameter() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['/api/classes/{id}/students'].get").exists())
                .andExpect(jsonPath("$.paths['/api/tokens'].post").exists())
                .andExpect(jsonPath("$.paths['/api/students/{id}'].get.parameters[?(@.name == 'me')]").isEmpty());
    }

    @Test
    void anonymousCallersSeeNoHealthDetailsAndNoOtherActuatorEndpoint() throws Exception {
        mvc.perform(get("/actuator/health"))
                .andExpect(jsonPath("$.components").doesNotExist())
                .andExpect(jsonPath("$.details").doesNotExist());
        for (String endpoint : List.of("/actuator/metrics", "/actuator/info", "/actuator/prometheus")) {
            mvc.perform(get(endpoint)).andExpect(status().isUnauthorized());
        }
    }
}
