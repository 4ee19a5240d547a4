package io.xueban.llm;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway against a real Ollama: runs only when {@code OLLAMA_BASE_URL} is set (the model
 * is {@code OLLAMA_MODEL}, default qwen2.5:7b). No model runs in CI.
 */
@EnabledIfEnvironmentVariable(named = "OLLAMA_BASE_URL", matches = ".+",
        disabledReason = "needs a running Ollama: set OLLAMA_BASE_URL (and OLLAMA_MODEL)")
class RealModelTest {

    private LlmGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.shutdown();
        }
    }

    record Answer(@NotBlank String answer) {
    }

    @Test
    void streamsAndGeneratesStructuredOutput() throws Exception {
        String model = System.getenv().getOrDefault("OLLAMA_MODEL", "qwen2.5:7b");
        var base = TestGateways.settings(List.of(new LlmSettings.BackendSettings("real", "ollama",
                System.getenv("OLLAMA_BASE_URL"), null, 1, Map.of("chat", model))));
        gateway = TestGateways.gateway(base);

        String reply = gateway.complete(TestGateways.call(1, Priority.TEACHER, "用一句话解释什么是勾股定理。")
                .withTemperature(0));
        assertThat(reply).isNotBlank().doesNotContain("<think>");

        Answer answer = gateway.generate(TestGateways.call(1, Priority.TEACHER,
                "3 和 4 是直角三角形的两条直角边，斜边是多少？用 JSON 回答，字段 answer。"), Answer.class, null);
        assertThat(answer.answer()).contains("5");
    }
}
