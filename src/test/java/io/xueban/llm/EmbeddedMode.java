package io.xueban.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.springframework.test.context.DynamicPropertyRegistry;

import dev.langchain4j.data.message.UserMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For the tests of {@code xueban.llm.mode=auto}: the built-in engine on the tiny test model,
 * given as {@code model-path}, so that nothing is downloaded.
 */
final class EmbeddedMode {

    private EmbeddedMode() {
    }


    static final Path MODEL = tinyModel();

    static Path tinyModel() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-data", "embedded-mode"));
            return TinyGguf.write(dir.resolve("tiny.gguf"), 11);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void builtIn(DynamicPropertyRegistry registry) {
        registry.add("xueban.llm.mode", () -> "auto");
        registry.add("xueban.llm.embedded.model-path", MODEL::toString);
        registry.add("xueban.llm.embedded.native-dir", () -> "target/test-data/embedded-mode/native");
        registry.add("xueban.llm.embedded.context-size", () -> TinyGguf.CONTEXT);
        registry.add("xueban.llm.embedded.threads", () -> 2);
        registry.add("xueban.llm.probe-interval", () -> "100ms");
    }

    static LlmCall call(String text) {
        return LlmCall.of(ModelRole.CHAT, Priority.TEACHER, 1, List.of(UserMessage.from(text))).withMaxTokens(16);
    }

    static Backend builtIn(LlmGateway gateway) {
        return gateway.backends().all().stream().filter(b -> b.kind.equals(Backends.EMBEDDED)).findFirst().orElseThrow();
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("within a minute").isTrue();
    }
}
