package io.xueban.llm;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.xueban.llm.EmbeddedMode.builtIn;
import static io.xueban.llm.EmbeddedMode.call;
import static io.xueban.llm.EmbeddedMode.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code xueban.llm.mode=auto} with no model server answering: the built-in model starts, serves and says so. */
@SpringBootTest
@ActiveProfiles("test")
class AutoModeWithoutServerTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        // application-test.yml's backend listens nowhere (port 9).
        builtIn(registry);
    }

    @Autowired
    LlmGateway gateway;
    @Autowired
    LlmHealthIndicator health;

    @Test
    void theBuiltInModelStartsServesAndSaysSoInTheHealthEndpoint() throws InterruptedException {
        awaitUntil(() -> builtIn(gateway).health().status() == Backend.Health.Status.UP);
        String reply = gateway.complete(call("勾股定理是什么？").withTemperature(0));
        assertThat(reply).isNotEmpty();
        @SuppressWarnings("unchecked")
        var details = (java.util.Map<String, Object>) health.health().getDetails().get("built-in");
        assertThat(details).containsEntry("builtIn", true).containsEntry("reachable", true);
        assertThat(String.valueOf(details.get("note"))).contains("install Ollama");
    }
}
