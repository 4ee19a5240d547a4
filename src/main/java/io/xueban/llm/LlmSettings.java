package io.xueban.llm;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code xueban.llm.*}: the model servers, which model plays which role, and how the gateway
 * queues, times out, retries, caches and rate-limits calls.
 */
@ConfigurationProperties("xueban.llm")
record LlmSettings(
        List<BackendSettings> backends,
        /** Default model per role ({@code chat}, {@code reasoning}, {@code vision}) for backends that name none. */
        Map<String, String> roles,
        Queue queue,
        Timeouts timeouts,
        Retry retry,
        Breaker breaker,
        Cache cache,
        RateLimit rateLimit,
        /** {@code auto}: the configured servers, or the built-in model when none answers; {@code configured}; {@code embedded}. */
        String mode,
        Embedded embedded) {

    /** Whether the built-in model may run at all. */
    boolean embeddedAllowed() {
        return "auto".equalsIgnoreCase(mode) || "embedded".equalsIgnoreCase(mode);
    }

    boolean embeddedOnly() {
        return "embedded".equalsIgnoreCase(mode);
    }

    /** The configured model servers' slots together: the most calls the gateway has in flight on them. */
    int serverSlots() {
        return backends == null ? 0 : backends.stream().mapToInt(b -> Math.max(1, b.slots())).sum();
    }

    /**
     * The built-in model (llama.cpp in process): a GGUF file fetched once from {@code url} into
     * {@code modelsDir} and checked against {@code size} and {@code sha256}, or an existing file at
     * {@code modelPath}. The native library is unpacked into {@code nativeDir}.
     */
    record Embedded(String modelPath, String name, String url, long size, String sha256, String modelsDir,
                    String nativeDir, int contextSize, int threads) {
    }

    /** One model server: {@code kind} is {@code ollama} or {@code openai} (any OpenAI-compatible server). */
    record BackendSettings(String name, String kind, String baseUrl, String apiKey, int slots, Map<String, String> models) {
    }

    /**
     * {@code maxLength}: queued calls across all users; {@code maxPerUser}: queued calls of one
     * user; {@code expectedCallTime}: the starting guess of how long a call holds a slot, refined
     * by measurement, used to estimate waits.
     */
    record Queue(int maxLength, int maxPerUser, Duration expectedCallTime, Duration defaultDeadline) {
    }

    record Timeouts(Duration connect, Duration firstToken, Duration total) {
    }

    record Retry(int maxAttempts, Duration backoff) {
    }

    /** Open after {@code failures} failures in a row; try again after {@code openFor}. */
    record Breaker(int failures, Duration openFor) {
    }

    record Cache(int maxEntries, Duration ttl) {
    }

    /** Calls per user per minute; 0 turns the limit off. */
    record RateLimit(int perMinute) {
    }
}
