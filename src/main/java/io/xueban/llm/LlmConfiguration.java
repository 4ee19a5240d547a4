package io.xueban.llm;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.validation.Validator;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/** The LLM gateway and what it is built from. */
@Configuration(proxyBeanMethods = false)
class LlmConfiguration {

    /** One HTTP client for every model server, so that the gateway can abort any exchange. */
    @Bean
    CancellableHttpClient llmHttpClient(LlmSettings settings) {
        return new CancellableHttpClient(settings.timeouts().connect(), settings.timeouts().total(),
                settings.serverSlots());
    }

    /** The configured model servers and their LangChain4j models. */
    @Bean(destroyMethod = "close")
    Backends llmBackends(LlmSettings settings, CancellableHttpClient http, JsonMapper json, Clock clock,
                         MessageSource messages) {
        // The built-in model's own words (Chinese, the school's language): it cannot use the assistant's tools.
        EmbeddedBackend embedded = settings.embeddedAllowed() && settings.embedded() != null
                ? new EmbeddedBackend(settings.embedded(), json,
                        messages.getMessage("llm.built-in.no-tools", null, java.util.Locale.SIMPLIFIED_CHINESE))
                : null;
        return new Backends(settings, http, json, clock, embedded);
    }

    /** Prompt files from the jar, overridden by {@code xueban.prompts.dir} when set. */
    @Bean
    PromptTemplates promptTemplates(@Value("${xueban.prompts.dir:}") String dir) {
        return new PromptTemplates(dir.isBlank() ? null : Path.of(dir));
    }

    /** The single entry point of every model call. */
    @Bean(destroyMethod = "shutdown")
    LlmGateway llmGateway(Backends backends, LlmSettings settings, MeterRegistry registry, Validator validator,
                          PromptTemplates prompts) {
        return new LlmGateway(backends, settings, new GatewayMetrics(registry),
                new UserRateLimiter(settings.rateLimit().perMinute()),
                new ResponseCache(settings.cache().maxEntries(), settings.cache().ttl()),
                new StructuredOutput(validator), prompts);
    }

    /** Asks the model servers every few seconds whether they are up and have their models. */
    @Bean
    SmartLifecycle llmBackendProbe(Backends backends,
                                   @Value("${xueban.llm.probe-interval:15s}") Duration interval) {
        return new SmartLifecycle() {
            private ScheduledExecutorService executor;

            @Override
            public void start() {
                executor = Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("llm-probe").factory());
                executor.scheduleWithFixedDelay(backends::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void stop() {
                executor.shutdownNow();
            }

            @Override
            public boolean isRunning() {
                return executor != null && !executor.isShutdown();
            }
        };
    }
}
