package io.xueban.llm;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
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

/** {@code xueban.llm.mode=auto} with a model server that answers: the server is used, the built-in model never loaded. */
@SpringBootTest
@ActiveProfiles("test")
class AutoModeWithOllamaTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
        builtIn(registry);
    }

    @AfterAll
    static void stop() throws IOException {
        SERVER.close();
    }

    @Autowired
    LlmGateway gateway;

    @Test
    void theGatewayUsesOllamaAndTheBuiltInModelIsNeitherLoadedNorUsed() throws InterruptedException {
        SERVER.when("你好", ScriptedModelServer.Reply.of("来自 Ollama 的回答"));
        awaitUntil(() -> gateway.backends().all().getFirst().health().status() == Backend.Health.Status.UP);
        assertThat(gateway.complete(call("你好"))).isEqualTo("来自 Ollama 的回答");
        assertThat(builtIn(gateway).health().status()).isEqualTo(Backend.Health.Status.DOWN);
        assertThat(gateway.backends().embedded().state().phase()).isEqualTo(EmbeddedBackend.Phase.NOT_STARTED);
    }
}
