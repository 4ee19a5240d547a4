package io.xueban.llm;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's Micrometer meters (exported at /actuator/prometheus). The meters every call
 * touches are registered once, not looked up per call.
 */
final class GatewayMetrics {

    private final MeterRegistry registry;
    private final Map<Priority, Timer> queueWait;
    private final Map<ModelRole, Timer> firstToken;
    private final Map<ModelRole, Counter> succeeded;
    private final Map<ModelRole, Counter> tokens;
    private final Map<ModelRole, DistributionSummary> tokensPerSecond;
    private final Map<ModelRole, Counter> retries;
    private final Map<ModelRole, Counter> repairs;
    private final Map<ModelRole, Counter> cancelled;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        queueWait = each(Priority.class, p -> Timer.builder("xueban.llm.queue.wait")
                .tag("priority", p.name().toLowerCase(Locale.ROOT)).publishPercentileHistogram().register(registry));
        firstToken = each(ModelRole.class, r -> Timer.builder("xueban.llm.ttft").tag("role", r.key())
                .description("Time to first token from the backend").publishPercentileHistogram().register(registry));
        succeeded = each(ModelRole.class, r -> Counter.builder("xueban.llm.calls").tag("role", r.key())
                .tag("outcome", "ok").register(registry));
        tokens = each(ModelRole.class, r -> Counter.builder("xueban.llm.tokens").tag("role", r.key()).register(registry));
        tokensPerSecond = each(ModelRole.class, r -> DistributionSummary.builder("xueban.llm.tokens.per.second")
                .tag("role", r.key()).register(registry));
        retries = each(ModelRole.class, r -> Counter.builder("xueban.llm.retries").tag("role", r.key()).register(registry));
        repairs = each(ModelRole.class, r -> Counter.builder("xueban.llm.repairs").tag("role", r.key())
                .description("Structured replies asked again").register(registry));
        cancelled = each(ModelRole.class, r -> Counter.builder("xueban.llm.cancelled").tag("role", r.key()).register(registry));
    }

    private static <K extends Enum<K>, M> Map<K, M> each(Class<K> keys, Function<K, M> meter) {
        Map<K, M> meters = new EnumMap<>(keys);
        for (K key : keys.getEnumConstants()) {
            meters.put(key, meter.apply(key));
        }
        return meters;
    }

    void bind(LlmGateway gateway) {
        for (Priority priority : Priority.values()) {
            Gauge.builder("xueban.llm.queue.length", () -> gateway.queueLength(priority))
                    .tag("priority", priority.name().toLowerCase(Locale.ROOT)).description("Calls waiting for a slot")
                    .register(registry);
        }
        for (Backend backend : gateway.backends().all()) {
            Gauge.builder("xueban.llm.inflight", () -> gateway.inFlight(backend))
                    .tag("backend", backend.name).description("Calls running on the backend").register(registry);
            Gauge.builder("xueban.llm.slots", () -> backend.slots)
                    .tag("backend", backend.name).description("Parallel calls the backend takes").register(registry);
        }
    }

    void queueWait(Priority priority, long nanos) {
        queueWait.get(priority).record(nanos, TimeUnit.NANOSECONDS);
    }

    void firstToken(ModelRole role, long nanos) {
        firstToken.get(role).record(nanos, TimeUnit.NANOSECONDS);
    }

    void completed(ModelRole role, Usage usage) {
        succeeded.get(role).increment();
        if (usage.outputTokens() != null && usage.totalMillis() > usage.firstTokenMillis() && usage.firstTokenMillis() >= 0) {
            tokens.get(role).increment(usage.outputTokens());
            double seconds = (usage.totalMillis() - usage.firstTokenMillis()) / 1000.0;
            tokensPerSecond.get(role).record(usage.outputTokens() / seconds);
        }
    }

    void failed(ModelRole role, String code) {
        Counter.builder("xueban.llm.calls").tag("role", role.key()).tag("outcome", code).register(registry).increment();
    }

    void retried(ModelRole role) {
        retries.get(role).increment();
    }

    void repaired(ModelRole role) {
        repairs.get(role).increment();
    }

    void cancelled(ModelRole role) {
        cancelled.get(role).increment();
    }

    void shed(String reason) {
        Counter.builder("xueban.llm.shed").tag("reason", reason).description("Calls refused at once")
                .register(registry).increment();
    }

    void cache(String result) {
        Counter.builder("xueban.llm.cache").tag("result", result).register(registry).increment();
    }
}
