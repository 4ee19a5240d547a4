package io.xueban.llm;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Each model server in {@code /actuator/health} (component {@code llm}): reachable or not, the
 * models it should have and has, its slots and calls in flight, and what to do when it is down.
 * A missing model server makes this component DEGRADED, not the application DOWN: everything
 * but the AI features keeps working.
 */
@Component("llm")
class LlmHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "Some AI features are unavailable");

    private final LlmGateway gateway;

    LlmHealthIndicator(LlmGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Health health() {
        Backends backends = gateway.backends();
        boolean allUp = !backends.all().isEmpty();
        Map<String, Object> details = new LinkedHashMap<>();
        for (Backend backend : backends.all()) {
            Backend.Health health = backend.health();
            boolean modelsPresent = backend.models.values().stream().allMatch(health::hasModel);
            boolean up = health.status() == Backend.Health.Status.UP && modelsPresent && !backend.breaker.isOpen();
            // The built-in model standing by is no fault; it counts only when it is all there is.
            if (!backend.kind.equals(Backends.EMBEDDED) || backends.embeddedOnly()) {
                allUp &= up;
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("kind", backend.kind);
            info.put("baseUrl", backend.baseUrl);
            info.put("reachable", health.status() == Backend.Health.Status.UNKNOWN ? "not yet checked"
                    : health.status() == Backend.Health.Status.UP);
            Map<String, String> roles = new LinkedHashMap<>();
            backend.models.forEach((role, model) -> roles.put(role.key(), model));
            info.put("models", roles);
            info.put("modelsPresent", modelsPresent);
            info.put("slots", backend.slots);
            info.put("inFlight", gateway.inFlight(backend));
            info.put("circuitOpen", backend.breaker.isOpen());
            if (health.error() != null) {
                info.put("error", health.error());
            }
            if (backend.kind.equals(Backends.EMBEDDED)) {
                info.put("builtIn", true);
                if (up) {
                    info.put("note", "running on the built-in small model; install Ollama for better answers");
                }
            }
            if (!up) {
                info.put("action", backends.howToStart(backend));
            }
            details.put(backend.name, info);
        }
        return Health.status(allUp ? Status.UP : DEGRADED).withDetails(details).build();
    }
}
