package io.xueban.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real llama.cpp engine on a tiny random-weight model written by {@link TinyGguf}: it loads,
 * generates, streams, stops at the token limit, stops when cancelled, writes JSON that follows a
 * schema through a grammar, and refuses broken files with an exception instead of a crash.
 */
class EmbeddedEngineTest {

    static final Path DIR = Path.of("target", "test-data", "embedded-engine");
    static final Path NATIVE = DIR.resolve("native");
    static EmbeddedEngine engine;

    @BeforeAll
    static void load() throws IOException {
        Files.createDirectories(DIR);
        Path model = TinyGguf.write(DIR.resolve("tiny.gguf"), 42);
        engine = EmbeddedEngine.load(model, NATIVE, TinyGguf.CONTEXT, 2);
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theChatTemplateOfTheModelWritesThePrompt() {
        String prompt = engine.prompt("你是学伴。", List.of(new EmbeddedEngine.Turn(false, "勾股定理是什么？"),
                new EmbeddedEngine.Turn(true, "先想一想直角三角形。"), new EmbeddedEngine.Turn(false, "还有呢？")));
        assertThat(prompt).isEqualTo("<|im_start|>system\n你是学伴。<|im_end|>\n<|im_start|>user\n勾股定理是什么？<|im_end|>\n"
                + "<|im_start|>assistant\n先想一想直角三角形。<|im_end|>\n<|im_start|>user\n还有呢？<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void generationStreamsPiecesAndStopsAtTheTokenLimit() {
        List<String> pieces = new ArrayList<>();
        EmbeddedEngine.Result result = engine.generate(new EmbeddedEngine.Generation("Hello", 12, 0, null, List.of()),
                pieces::add, () -> false);
        assertThat(pieces.size()).isGreaterThan(1);
        assertThat(String.join("", pieces)).isEqualTo(result.text());
        assertThat(result.promptTokens()).isPositive();
        assertThat(result.outputTokens()).isBetween(pieces.size(), 12);
        // Greedy decoding of the same prompt gives the same text: the weights, not chance, decide.
        String first = engine.generate(new EmbeddedEngine.Generation("abc", 8, 0, null, List.of()), s -> { }, () -> false).text();
        String second = engine.generate(new EmbeddedEngine.Generation("abc", 8, 0, null, List.of()), s -> { }, () -> false).text();
        assertThat(first).isEqualTo(second).isNotEmpty();
    }

    @Test
    void aCancelledGenerationStopsAndTheEngineServesTheNextOne() {
        AtomicInteger seen = new AtomicInteger();
        EmbeddedEngine.Result cut = engine.generate(new EmbeddedEngine.Generation("Hello", 200, 0, null, List.of()),
                piece -> seen.incrementAndGet(), () -> seen.get() >= 3);
        assertThat(seen.get()).isEqualTo(3);
        assertThat(cut.stoppedByLimit()).isFalse();
        EmbeddedEngine.Result next = engine.generate(new EmbeddedEngine.Generation("Hi", 5, 0, null, List.of()),
                piece -> { }, () -> false);
        assertThat(next.text()).isNotEmpty();
    }

    @Test
    void aGrammarFromAJsonSchemaMakesEvenRandomWeightsWriteValidJson() {
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of("category", Map.of("type", "string", "enum", List.of("NONE", "BULLYING")),
                        "confidence", Map.of("type", "integer")),
                "required", List.of("category", "confidence"));
        JsonMapper json = JsonMapper.builder().build();
        String grammar = EmbeddedEngine.grammarFor(schema, json.writeValueAsString(schema));
        for (int seed = 0; seed < 3; seed++) {
            // Greedy, so the same every run (a random sampler could pad with whitespace past any limit).
            String text = engine.generate(new EmbeddedEngine.Generation("JSON " + seed, 200, 0, grammar, List.of()),
                    piece -> { }, () -> false).text();
            JsonNode parsed = json.readTree(text);
            assertThat(parsed.path("category").asString()).isIn("NONE", "BULLYING");
            assertThat(parsed.path("confidence").isIntegralNumber()).as(text).isTrue();
        }
    }

    @Test
    void aSchemaTheConverterCannotTakeIsRefusedBeforeItReachesTheNativeCode() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("x", Map.of("type", "nosuchtype")));
        assertThatThrownBy(() -> EmbeddedEngine.grammarFor(schema, "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nosuchtype");
    }

    @Test
    void aMissingOrBrokenModelFileIsAClearErrorNotACrash() throws IOException {
        assertThatThrownBy(() -> EmbeddedEngine.load(DIR.resolve("none.gguf"), NATIVE, 256, 1))
                .isInstanceOf(EmbeddedEngine.EngineException.class).hasMessageContaining("does not exist");
        Path broken = DIR.resolve("broken.gguf");
        byte[] whole = Files.readAllBytes(DIR.resolve("tiny.gguf"));
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length / 3));
        assertThatThrownBy(() -> EmbeddedEngine.load(broken, NATIVE, 256, 1))
                .isInstanceOf(EmbeddedEngine.EngineException.class).hasMessageContaining("damaged");
    }
}
