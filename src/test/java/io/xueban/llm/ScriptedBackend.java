package io.xueban.llm;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.servlet.MockMvc;

import tools.jackson.databind.json.JsonMapper;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** For full-application tests of features that call a model: one scripted server as the only backend. */
public final class ScriptedBackend {

    private ScriptedBackend() {
    }

    /** A scripted server that serves two calls at once and answers quickly. */
    public static ScriptedModelServer start() {
        try {
            return new ScriptedModelServer().parallel(2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the application's only backend at the server (every field: a list binds as a whole). */
    public static void register(DynamicPropertyRegistry registry, ScriptedModelServer server) {
        registry.add("xueban.llm.backends[0].name", () -> "ollama");
        registry.add("xueban.llm.backends[0].kind", () -> "ollama");
        registry.add("xueban.llm.backends[0].base-url", server::ollamaUrl);
        registry.add("xueban.llm.backends[0].slots", () -> 2);
        registry.add("xueban.llm.probe-interval", () -> "200ms");
    }

    /** Waits (up to 5 s) until the health endpoint reports the model servers up. */
    public static void awaitUp(MockMvc mvc, JsonMapper json, String adminBearer) throws Exception {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            String health = mvc.perform(get("/actuator/health").header(HttpHeaders.AUTHORIZATION, adminBearer))
                    .andReturn().getResponse().getContentAsString();
            if (json.readTree(health).path("components").path("llm").path("status").asString("").equals("UP")) {
                return;
            }
            Thread.sleep(50);
        }
    }
}
