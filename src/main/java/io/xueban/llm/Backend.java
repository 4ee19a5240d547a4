package io.xueban.llm;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.langchain4j.model.chat.StreamingChatModel;

/**
 * One model server with its slot count. {@code inFlight} and the breaker are guarded by the
 * gateway's lock; health is written by the prober and read anywhere.
 */
final class Backend {

    final String name;
    final String kind;
    final String baseUrl;
    final int slots;
    final Map<ModelRole, String> models;
    final CircuitBreaker breaker;
    private final Function<String, StreamingChatModel> modelFactory;
    private final Map<String, StreamingChatModel> chatModels = new ConcurrentHashMap<>();

    int inFlight;
    private volatile Health health = Health.UNKNOWN;

    Backend(String name, String kind, String baseUrl, int slots, Map<ModelRole, String> models,
            CircuitBreaker breaker, Function<String, StreamingChatModel> modelFactory) {
        this.name = name;
        this.kind = kind;
        this.baseUrl = baseUrl;
        this.slots = slots;
        // Role order (chat, reasoning, vision), so that messages list models predictably.
        this.models = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(models));
        this.breaker = breaker;
        this.modelFactory = modelFactory;
    }

    boolean serves(ModelRole role) {
        return models.containsKey(role);
    }

    String model(ModelRole role) {
        return models.get(role);
    }

    StreamingChatModel chatModel(ModelRole role) {
        return chatModels.computeIfAbsent(models.get(role), modelFactory);
    }

    int freeSlots() {
        return slots - inFlight;
    }

    /** Whether a call for the role may be sent here now (under the gateway's lock). */
    boolean canTake(ModelRole role) {
        return serves(role) && inFlight < slots && health.usableFor(models.get(role)) && breaker.allows();
    }

    Health health() {
        return health;
    }

    void health(Health value) {
        this.health = value;
    }

    /**
     * What the last probe found: reachable or not, and which models the server has
     * ({@code modelsPresent} is null when the server does not list them).
     */
    record Health(Status status, Set<String> modelsPresent, String error) {

        static final Health UNKNOWN = new Health(Status.UNKNOWN, null, null);

        enum Status { UNKNOWN, UP, DOWN }

        /** Unknown counts as usable: calls find out, and the breaker takes over if they fail. */
        boolean usableFor(String model) {
            return switch (status) {
                case UNKNOWN -> true;
                case DOWN -> false;
                case UP -> modelsPresent == null || hasModel(model);
            };
        }

        boolean hasModel(String model) {
            // Ollama lists "qwen2.5:7b"; a configured "qwen2.5" means its ":latest".
            return modelsPresent == null || modelsPresent.contains(model) || modelsPresent.contains(model + ":latest");
        }
    }
}
