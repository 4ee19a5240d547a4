package io.xueban.llm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

import dev.langchain4j.data.message.UserMessage;
import io.xueban.bench.BenchApp;

/**
 * Speed of the built-in engine on this machine: tokens per second while generating (and the
 * prompt's processing) for the tiny test model and, with {@code -Dbench.model=<file.gguf>}, for a
 * real model; then what the gateway adds to a call on the built-in backend (the same generation
 * through {@code LlmGateway.complete} and directly on the engine). Run with {@code bench/embedded}.
 */
public final class EmbeddedBenchmark {

    private EmbeddedBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        int tokens = Integer.getInteger("bench.tokens", 128);
        int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("xueban-bench-embedded");
        Path tiny = TinyGguf.write(dir.resolve("tiny.gguf"), 42);
        System.out.printf("Built-in engine (llama.cpp b4916 via de.kherud:llama 4.2.0), %d threads, %d cores%n",
                threads, Runtime.getRuntime().availableProcessors());
        speed("tiny test model (2 layers, 64 wide, F32)", tiny, dir, Math.min(tokens, 200), rounds, threads, TinyGguf.CONTEXT);
        String real = System.getProperty("bench.model");
        if (real != null && !real.isBlank()) {
            speed(Path.of(real).getFileName().toString(), Path.of(real), dir, tokens, rounds, threads, 4096);
        }
        overhead(tiny, dir, rounds * 4);
        System.exit(0); // the engine's native thread outlives the model (java-llama.cpp #116)
    }

    private static void speed(String label, Path model, Path dir, int tokens, int rounds, int threads, int context) {
        long loadStart = System.nanoTime();
        try (EmbeddedEngine engine = EmbeddedEngine.load(model, dir.resolve("native"), context, threads)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            String prompt = engine.prompt("你是学伴，一位耐心的初中数学老师。",
                    List.of(new EmbeddedEngine.Turn(false, "请用三句话解释勾股定理，并举一个生活中的例子。")));
            engine.generate(new EmbeddedEngine.Generation(prompt, 8, 0.7, null, List.of()), s -> { }, () -> false);
            double[] perSecond = new double[rounds];
            double[] firstTokenMs = new double[rounds];
            int produced = 0;
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                long[] first = {0};
                int[] pieces = {0};
                // Each piece the engine hands over is one sampled token (rarely two, when a character's bytes are split).
                engine.generate(new EmbeddedEngine.Generation(prompt, tokens, 0.7, null, List.of()), s -> {
                    if (first[0] == 0) {
                        first[0] = System.nanoTime();
                    }
                    pieces[0]++;
                }, () -> false);
                long end = System.nanoTime();
                firstTokenMs[i] = (first[0] - start) / 1e6;
                perSecond[i] = Math.max(1, pieces[0] - 1) / ((end - first[0]) / 1e9);
                produced += pieces[0];
            }
            System.out.printf("%s: loaded in %.2f s; prompt %d tokens; %d tokens per round (mean %.0f produced)%n",
                    label, loadSeconds, engine.countTokens(prompt), tokens, produced / (double) rounds);
            System.out.printf("  generation: median %.1f tokens/s (min %.1f, max %.1f); first token after median %.0f ms%n",
                    median(perSecond), Arrays.stream(perSecond).min().orElse(0), Arrays.stream(perSecond).max().orElse(0),
                    median(firstTokenMs));
        }
    }

    /** The same short generation through the gateway and directly on an engine of its own. */
    private static void overhead(Path tiny, Path dir, int calls) throws Exception {
        try (ConfigurableApplicationContext app = BenchApp.start("embedded",
                "--xueban.llm.mode=embedded", "--xueban.llm.embedded.model-path=" + tiny,
                "--xueban.llm.embedded.native-dir=" + dir.resolve("native"),
                "--xueban.llm.embedded.context-size=" + TinyGguf.CONTEXT, "--xueban.llm.probe-interval=100ms",
                "--xueban.llm.rate-limit.per-minute=0", "--xueban.llm.cache.max-entries=0")) {
            LlmGateway gateway = app.getBean(LlmGateway.class);
            Backend builtIn = gateway.backends().all().stream().filter(b -> b.kind.equals(Backends.EMBEDDED))
                    .findFirst().orElseThrow();
            long until = System.nanoTime() + 60_000_000_000L;
            while (builtIn.health().status() != Backend.Health.Status.UP && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            EmbeddedEngine direct = EmbeddedEngine.load(tiny, dir.resolve("native"), TinyGguf.CONTEXT,
                    Runtime.getRuntime().availableProcessors());
            String prompt = direct.prompt("", List.of(new EmbeddedEngine.Turn(false, "勾股定理")));
            List<Double> viaGateway = new ArrayList<>();
            List<Double> onEngine = new ArrayList<>();
            for (int i = 0; i < calls + 3; i++) {
                long start = System.nanoTime();
                gateway.complete(LlmCall.of(ModelRole.CHAT, Priority.TEACHER, 1, List.of(UserMessage.from("勾股定理 " + i)))
                        .withMaxTokens(16).withTemperature(0.7));
                double gatewayMs = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                direct.generate(new EmbeddedEngine.Generation(prompt, 16, 0.7, null, List.of()), s -> { }, () -> false);
                double engineMs = (System.nanoTime() - start) / 1e6;
                if (i >= 3) {
                    viaGateway.add(gatewayMs);
                    onEngine.add(engineMs);
                }
            }
            direct.close();
            double g = median(viaGateway.stream().mapToDouble(Double::doubleValue).toArray());
            double e = median(onEngine.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf("Gateway overhead with the built-in backend (%d calls of 16 tokens on the tiny model): "
                    + "through the gateway median %.2f ms, on the engine directly median %.2f ms, difference %.2f ms%n",
                    calls, g, e, g - e);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    }
}
