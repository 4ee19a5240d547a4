package io.xueban.llm;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.validation.Validation;

import dev.langchain4j.data.message.UserMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/** Gateways wired by hand against scripted model servers, one per test, without Spring. */
final class TestGateways {

    static final Map<String, String> ROLES = Map.of("chat", "qwen2.5:7b", "reasoning", "deepseek-r1:8b",
            "vision", "qwen2.5vl:7b");

    private TestGateways() {
    }

    static LlmSettings settings(List<LlmSettings.BackendSettings> backends) {
        return new LlmSettings(backends, ROLES,
                new LlmSettings.Queue(1000, 50, Duration.ofMillis(100), Duration.ofSeconds(30)),
                new LlmSettings.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                new LlmSettings.Retry(3, Duration.ofMillis(20)),
                new LlmSettings.Breaker(3, Duration.ofMillis(500)),
                new LlmSettings.Cache(100, Duration.ofMinutes(5)),
                new LlmSettings.RateLimit(0), "configured", null);
    }

    static LlmSettings with(LlmSettings s, LlmSettings.Queue queue) {
        return new LlmSettings(s.backends(), s.roles(), queue, s.timeouts(), s.retry(), s.breaker(), s.cache(), s.rateLimit(), s.mode(), s.embedded());
    }

    static LlmSettings with(LlmSettings s, LlmSettings.Timeouts timeouts) {
        return new LlmSettings(s.backends(), s.roles(), s.queue(), timeouts, s.retry(), s.breaker(), s.cache(), s.rateLimit(), s.mode(), s.embedded());
    }

    static LlmSettings with(LlmSettings s, LlmSettings.Retry retry) {
        return new LlmSettings(s.backends(), s.roles(), s.queue(), s.timeouts(), retry, s.breaker(), s.cache(), s.rateLimit(), s.mode(), s.embedded());
    }

    static LlmSettings with(LlmSettings s, LlmSettings.RateLimit limit) {
        return new LlmSettings(s.backends(), s.roles(), s.queue(), s.timeouts(), s.retry(), s.breaker(), s.cache(), limit, s.mode(), s.embedded());
    }

    static LlmSettings.BackendSettings ollama(String name, ScriptedModelServer server, int slots) {
        return new LlmSettings.BackendSettings(name, "ollama", server.ollamaUrl(), null, slots, Map.of());
    }

    static LlmSettings.BackendSettings openAi(String name, ScriptedModelServer server, int slots) {
        return new LlmSettings.BackendSettings(name, "openai", server.openAiUrl(), "test-key", slots, Map.of());
    }

    static LlmGateway gateway(LlmSettings settings) {
        Backends backends = new Backends(settings, new CancellableHttpClient(settings.timeouts().connect(),
                settings.timeouts().total(), settings.serverSlots()), JsonMapper.builder().build(), Clock.systemUTC());
        backends.probe();
        return new LlmGateway(backends, settings, new GatewayMetrics(new SimpleMeterRegistry()),
                new UserRateLimiter(settings.rateLimit().perMinute()),
                new ResponseCache(settings.cache().maxEntries(), settings.cache().ttl()),
                new StructuredOutput(Validation.buildDefaultValidatorFactory().getValidator()),
                new PromptTemplates((Path) null));
    }

    static LlmCall call(long user, Priority priority, String prompt) {
        return new LlmCall(ModelRole.CHAT, priority, user, null, Duration.ofSeconds(30),
                List.of(UserMessage.from(prompt)), 0.7, null);
    }

    /** Records what a streamed call delivered. */
    static class Recorder implements TokenSink {

        final StringBuilder text = new StringBuilder();
        final List<String> tokens = new CopyOnWriteArrayList<>();
        final CompletableFuture<Usage> done = new CompletableFuture<>();
        final CompletableFuture<Long> started = new CompletableFuture<>();
        volatile long startedNanos;
        volatile long[] queued;
        private final List<String> startLog;
        private final String label;

        Recorder() {
            this(new ArrayList<>(), "");
        }

        Recorder(List<String> startLog, String label) {
            this.startLog = startLog;
            this.label = label;
        }

        @Override
        public void onQueued(int ahead, long estimatedWaitMillis) {
            queued = new long[] {ahead, estimatedWaitMillis};
        }

        @Override
        public void onStart(long queueMillis) {
            startedNanos = System.nanoTime();
            startLog.add(label);
            started.complete(queueMillis);
        }

        @Override
        public void onToken(String token) {
            tokens.add(token);
            synchronized (text) {
                text.append(token);
            }
        }

        @Override
        public void onComplete(Usage usage) {
            done.complete(usage);
        }

        @Override
        public void onError(LlmException error) {
            done.completeExceptionally(error);
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
