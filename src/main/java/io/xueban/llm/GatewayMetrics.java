package io.xueban.llm;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The gateway's Micrometer meters (exported at /actuator/prometheus). */
final class GatewayMetrics {

    private final MeterRegistry registry;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind(LlmGateway gateway) {
        for (Priority priority : Priority.values()) {
            Gauge.builder("xueban.llm.queue.length", () -> gateway.queueLength(priority))
                    .tag("priority", priority.name().toLowerCase()).description("Calls waiting for a slot")
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
        Timer.builder("xueban.llm.queue.wait").tag("priority", priority.name().toLowerCase())
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void firstToken(ModelRole role, long nanos) {
        Timer.builder("xueban.llm.ttft").tag("role", role.key()).description("Time to first token from the backend")
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void completed(ModelRole role, Usage usage) {
        Counter.builder("xueban.llm.calls").tag("role", role.key()).tag("outcome", "ok").register(registry).increment();
        if (usage.outputTokens() != null && usage.totalMillis() > usage.firstTokenMillis() && usage.firstTokenMillis() >= 0) {
            Counter.builder("xueban.llm.tokens").tag("role", role.key()).register(registry).increment(usage.outputTokens());
            double seconds = (usage.totalMillis() - usage.firstTokenMillis()) / 1000.0;
            DistributionSummary.builder("xueban.llm.tokens.per.second").tag("role", role.key()).register(registry)
                    .record(usage.outputTokens() / seconds);
        }
    }

    void failed(ModelRole role, String code) {
        Counter.builder("xueban.llm.calls").tag("role", role.key()).tag("outcome", code).register(registry).increment();
    }

    void retried(ModelRole role) {
        Counter.builder("xueban.llm.retries").tag("role", role.key()).register(registry).increment();
    }

    void repaired(ModelRole role) {
        Counter.builder("xueban.llm.repairs").tag("role", role.key()).description("Structured replies asked again")
                .register(registry).increment();
    }

    void cancelled(ModelRole role) {
        Counter.builder("xueban.llm.cancelled").tag("role", role.key()).register(registry).increment();
    }

    void shed(String reason) {
        Counter.builder("xueban.llm.shed").tag("reason", reason).description("Calls refused at once")
                .register(registry).increment();
    }

    void cache(String result) {
        Counter.builder("xueban.llm.cache").tag("result", result).register(registry).increment();
    }
}
