package io.xueban.llm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The configured model servers, the LangChain4j models that talk to them, and their health. */
final class Backends {

    private static final Logger log = LoggerFactory.getLogger(Backends.class);

    static final String EMBEDDED = "embedded";

    private final List<Backend> all;
    private final HttpClient probeClient;
    private final JsonMapper json;
    private final LlmSettings settings;
    private final EmbeddedBackend embedded;
    /** How long a server that has served may be down before the built-in model takes over. */
    static final Duration GRACE = Duration.ofMinutes(10);

    // Only the prober thread touches these.
    private int probesWithoutServer;
    private boolean serverSeen;
    private long downSinceNanos;

    Backends(LlmSettings settings, CancellableHttpClient http, JsonMapper json, Clock clock) {
        this(settings, http, json, clock, null);
    }

    /** @param embedded the built-in model, or null when the settings do not allow it */
    Backends(LlmSettings settings, CancellableHttpClient http, JsonMapper json, Clock clock, EmbeddedBackend embedded) {
        this.json = json;
        this.settings = settings;
        this.embedded = embedded;
        this.probeClient = HttpClient.newBuilder().connectTimeout(settings.timeouts().connect()).build();
        List<Backend> backends = new ArrayList<>();
        // mode embedded: the built-in model only, whatever servers are listed.
        List<LlmSettings.BackendSettings> configured = settings.backends() == null || settings.embeddedOnly()
                ? List.of() : settings.backends();
        for (LlmSettings.BackendSettings b : configured) {
            Map<ModelRole, String> models = new EnumMap<>(ModelRole.class);
            for (ModelRole role : ModelRole.values()) {
                String model = b.models() != null && b.models().get(role.key()) != null
                        ? b.models().get(role.key()) : settings.roles() == null ? null : settings.roles().get(role.key());
                if (model != null && !model.isBlank()) {
                    models.put(role, model);
                }
            }
            String kind = b.kind() == null ? "ollama" : b.kind().toLowerCase(Locale.ROOT);
            if (!kind.equals("ollama") && !kind.equals("openai")) {
                throw new IllegalStateException("xueban.llm.backends: kind must be ollama or openai, not " + b.kind());
            }
            String name = b.name() == null ? kind + "-" + backends.size() : b.name();
            String baseUrl = b.baseUrl().replaceAll("/+$", "");
            backends.add(new Backend(name, kind, baseUrl, Math.max(1, b.slots()), models,
                    new CircuitBreaker(settings.breaker().failures(), settings.breaker().openFor(), clock),
                    model -> chatModel(kind, baseUrl, b.apiKey(), model, http)));
        }
        if (embedded != null) {
            // One slot, chat and reasoning; photos need a vision model, which it is not.
            Map<ModelRole, String> models = new EnumMap<>(ModelRole.class);
            models.put(ModelRole.CHAT, embedded.modelName());
            models.put(ModelRole.REASONING, embedded.modelName());
            Backend builtIn = new Backend("built-in", EMBEDDED, "in-process", 1, models,
                    new CircuitBreaker(settings.breaker().failures(), settings.breaker().openFor(), clock),
                    model -> embedded.chatModel());
            // Not "unknown" (which counts as usable): nothing is loaded yet.
            builtIn.health(new Backend.Health(Backend.Health.Status.DOWN, null, "standing by"));
            backends.add(builtIn);
        }
        this.all = List.copyOf(backends);
    }

    EmbeddedBackend embedded() {
        return embedded;
    }

    boolean embeddedOnly() {
        return settings.embeddedOnly();
    }

    /** Frees the built-in model, if one was loaded. */
    void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    List<Backend> all() {
        return all;
    }

    List<Backend> serving(ModelRole role) {
        return all.stream().filter(b -> b.serves(role)).toList();
    }

    private static StreamingChatModel chatModel(String kind, String baseUrl, String apiKey, String model,
                                                CancellableHttpClient http) {
        var httpBuilder = new CancellableHttpClient.Builder(http);
        if (kind.equals("ollama")) {
            // Thinking comes back in its own field and is dropped; <think> tags in content are
            // removed by the gateway.
            return OllamaStreamingChatModel.builder()
                    .httpClientBuilder(httpBuilder)
                    .baseUrl(baseUrl)
                    .modelName(model)
                    .returnThinking(false)
                    .build();
        }
        return OpenAiStreamingChatModel.builder()
                .httpClientBuilder(httpBuilder)
                .baseUrl(baseUrl)
                .apiKey(apiKey == null || apiKey.isBlank() ? "not-needed" : apiKey)
                .modelName(model)
                .returnThinking(false)
                .build();
    }

    /** Asks each server whether it is up and which models it has. */
    void probe() {
        for (Backend backend : all) {
            if (backend.kind.equals(EMBEDDED)) {
                continue;
            }
            Backend.Health before = backend.health();
            Backend.Health now = probe(backend);
            backend.health(now);
            if (before.status() != now.status()) {
                if (now.status() == Backend.Health.Status.UP) {
                    log.info("Model server {} at {} is up; models: {}", backend.name, backend.baseUrl,
                            now.modelsPresent() == null ? "(not listed)" : now.modelsPresent());
                } else {
                    log.warn("Model server {} at {} is down ({}). {}", backend.name, backend.baseUrl, now.error(),
                            howToStart(backend));
                }
            }
        }
        probeEmbedded();
    }

    /**
     * The built-in model serves when the settings say so, or (auto) when no configured server
     * answers; it is started the first time it is needed and stays loaded, standing by while a
     * server answers again.
     */
    private void probeEmbedded() {
        if (embedded == null) {
            return;
        }
        Backend builtIn = all.stream().filter(b -> b.kind.equals(EMBEDDED)).findFirst().orElseThrow();
        List<Backend> configured = all.stream().filter(b -> !b.kind.equals(EMBEDDED)).toList();
        // A server counts when it can serve the chat role: up, with its model, not failing.
        boolean serverUp = configured.stream().anyMatch(b -> b.serves(ModelRole.CHAT)
                && b.health().status() == Backend.Health.Status.UP && b.health().usableFor(b.model(ModelRole.CHAT))
                && !b.breaker.isOpen());
        if (serverUp) {
            serverSeen = true;
            downSinceNanos = 0;
        } else if (downSinceNanos == 0) {
            downSinceNanos = System.nanoTime();
        }
        probesWithoutServer = serverUp ? 0 : probesWithoutServer + 1;
        // A server never seen is replaced after two probes; one that served before (an Ollama restart, a
        // reboot) gets a grace period first, so that a short outage does not load a second model for good.
        boolean needed = settings.embeddedOnly() || (!serverSeen && probesWithoutServer >= 2)
                || (serverSeen && downSinceNanos != 0 && System.nanoTime() - downSinceNanos > GRACE.toNanos());
        if (needed) {
            embedded.start(settings.embeddedOnly() ? "xueban.llm.mode is embedded"
                    : "No model server answers (" + configured.stream().map(b -> b.name + " at " + b.baseUrl).toList() + ")");
        }
        EmbeddedBackend.State state = embedded.state();
        Backend.Health now;
        if (state.phase() == EmbeddedBackend.Phase.READY && needed) {
            now = new Backend.Health(Backend.Health.Status.UP, java.util.Set.of(embedded.modelName()), null);
        } else if (state.phase() == EmbeddedBackend.Phase.READY) {
            now = new Backend.Health(Backend.Health.Status.DOWN, null, "standing by: a model server answers");
        } else {
            now = new Backend.Health(Backend.Health.Status.DOWN, null, switch (state.phase()) {
                case NOT_STARTED -> "standing by: a model server answers";
                case DOWNLOADING -> "downloading the model: " + (state.percent() >= 0 ? state.percent() + "%, " : "")
                        + state.detail();
                case LOADING -> "loading the model";
                case FAILED -> "failed: " + state.detail();
                case READY -> "";
            });
        }
        Backend.Health before = builtIn.health();
        builtIn.health(now);
        if (before.status() != now.status()) {
            log.info("The built-in model {}", now.status() == Backend.Health.Status.UP
                    ? "serves the AI features now" : "stands by (" + now.error() + ")");
        }
    }

    private Backend.Health probe(Backend backend) {
        String path = backend.kind.equals("ollama") ? "/api/tags" : "/models";
        try {
            HttpResponse<String> response = probeClient.send(
                    HttpRequest.newBuilder(URI.create(backend.baseUrl + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                return new Backend.Health(backend.kind.equals("ollama") ? Backend.Health.Status.DOWN : Backend.Health.Status.UP,
                        null, "HTTP " + response.statusCode());
            }
            JsonNode body = json.readTree(response.body());
            Set<String> models = new HashSet<>();
            JsonNode list = backend.kind.equals("ollama") ? body.path("models") : body.path("data");
            for (JsonNode model : list) {
                String name = backend.kind.equals("ollama") ? model.path("name").asString() : model.path("id").asString();
                if (name != null && !name.isEmpty()) {
                    models.add(name);
                }
            }
            return new Backend.Health(Backend.Health.Status.UP, models, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return backend.health();
        } catch (Exception e) {
            return new Backend.Health(Backend.Health.Status.DOWN, null,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** What an administrator should do to make a backend serve: start it, or pull what is missing. */
    String howToStart(Backend backend) {
        Backend.Health health = backend.health();
        if (backend.kind.equals(EMBEDDED)) {
            return health.error() == null ? "" : health.error();
        }
        if (health.status() == Backend.Health.Status.UP) {
            String missing = backend.models.values().stream().distinct().filter(m -> !health.hasModel(m))
                    .collect(Collectors.joining(" "));
            if (!missing.isEmpty()) {
                return backend.kind.equals("ollama")
                        ? "run `ollama pull " + missing.replace(" ", "` and `ollama pull ") + "`"
                        : "make the server at " + backend.baseUrl + " serve " + missing;
            }
            return "wait: the server is busy or failing (circuit open)";
        }
        return backend.kind.equals("ollama")
                ? "start Ollama (`ollama serve`) at " + backend.baseUrl + " and run `ollama pull "
                + String.join("` and `ollama pull ", backend.models.values().stream().distinct().toList()) + "`"
                : "start the OpenAI-compatible server at " + backend.baseUrl;
    }
}
