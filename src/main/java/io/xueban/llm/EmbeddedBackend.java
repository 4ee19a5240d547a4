package io.xueban.llm;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.model.chat.StreamingChatModel;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in model: started when the settings ask for it ({@code xueban.llm.mode=embedded}) or
 * when no configured model server answers ({@code auto}). Starting means fetching the model file
 * once (or using {@code model-path}), then loading it, in the background; meanwhile and after a
 * failure everything but the AI features keeps working, and the state is shown in the health
 * endpoint and on the admin page.
 */
final class EmbeddedBackend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBackend.class);

    enum Phase { NOT_STARTED, DOWNLOADING, LOADING, READY, FAILED }

    /** Where the built-in model stands: {@code detail} is a progress line or what went wrong. */
    record State(Phase phase, String detail, int percent) {
    }

    private final LlmSettings.Embedded settings;
    private final JsonMapper json;
    private final String noTools;
    private volatile State state = new State(Phase.NOT_STARTED, null, -1);
    private volatile EmbeddedEngine engine;
    private volatile EmbeddedChatModel chatModel;
    private volatile int loggedPercent = -1;
    private volatile long failedAtNanos;
    /** Whether the last failure may pass (network, disk space) rather than need a person (wrong file, no engine). */
    private volatile boolean retryable;

    /** After a failure (no network, a full disk), the start is tried again this long after. */
    static final java.time.Duration RETRY_AFTER = java.time.Duration.ofMinutes(5);

    /** @param noTools the reply to calls that need tools (see {@link EmbeddedChatModel}) */
    EmbeddedBackend(LlmSettings.Embedded settings, JsonMapper json, String noTools) {
        this.settings = settings;
        this.json = json;
        this.noTools = noTools;
    }

    /** The model's name as the gateway lists it. */
    String modelName() {
        String path = settings.modelPath();
        return path != null && !path.isBlank() ? Path.of(path).getFileName().toString() : settings.name();
    }

    State state() {
        return state;
    }

    boolean ready() {
        return state.phase() == Phase.READY;
    }

    /** Starts fetching and loading in the background, once; later calls do nothing. */
    synchronized void start(String why) {
        if (state.phase() == Phase.FAILED && retryable && System.nanoTime() - failedAtNanos > RETRY_AFTER.toNanos()) {
            // Tried again: a download resumes where it stopped.
            state = new State(Phase.NOT_STARTED, null, -1);
        }
        if (state.phase() != Phase.NOT_STARTED) {
            return;
        }
        log.warn("{}: starting the built-in model {} (llama.cpp in this process). It is small and slow; "
                + "install Ollama for better answers.", why, modelName());
        state = new State(Phase.LOADING, null, -1);
        Thread.ofPlatform().daemon().name("embedded-llm-start").start(this::fetchAndLoad);
    }

    private void fetchAndLoad() {
        try {
            Path model;
            if (settings.modelPath() != null && !settings.modelPath().isBlank()) {
                model = Path.of(settings.modelPath());
            } else {
                ModelDownloader downloader = new ModelDownloader(
                        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                                .connectTimeout(Duration.ofSeconds(20)).build(),
                        Path.of(settings.modelsDir()), this::downloading);
                model = downloader.ensure(new ModelDownloader.ModelFile(settings.name(), URI.create(settings.url()),
                        settings.size(), settings.sha256()));
            }
            state = new State(Phase.LOADING, null, -1);
            EmbeddedEngine loaded = EmbeddedEngine.load(model, Path.of(settings.nativeDir()), settings.contextSize(),
                    settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors());
            engine = loaded;
            chatModel = new EmbeddedChatModel(loaded, json, noTools);
            state = new State(Phase.READY, null, 100);
            log.warn("The built-in model {} is running. Answers are those of a small model: install Ollama for better "
                    + "ones.", modelName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failedAtNanos = System.nanoTime();
            retryable = false;
            state = new State(Phase.FAILED, "interrupted", -1);
        } catch (Throwable e) {
            failedAtNanos = System.nanoTime();
            retryable = e instanceof ModelDownloader.DownloadException download && download.isTransient();
            state = new State(Phase.FAILED, e.getMessage(), -1);
            log.error("The built-in model could not start: {} The rest of Xueban works without it{}.", e.getMessage(),
                    retryable ? "; it is tried again in " + RETRY_AFTER.toMinutes() + " minutes"
                            : "; correct the settings (xueban.llm.embedded.*) and restart");
        }
    }

    private void downloading(ModelDownloader.Progress progress) {
        if (progress.state() == ModelDownloader.State.DOWNLOADING) {
            int percent = progress.percent();
            state = new State(Phase.DOWNLOADING, progress.bytes() / (1024 * 1024) + " / "
                    + Math.max(0, progress.total()) / (1024 * 1024) + " MB", percent);
            // A progress bar in the console, a line every 5 %.
            if (percent >= 0 && percent / 5 != loggedPercent / 5) {
                loggedPercent = percent;
                log.info("Downloading the built-in model {} [{}{}] {}% ({})", progress.name(), "#".repeat(percent / 5),
                        ".".repeat(20 - percent / 5), percent, state.detail());
            }
        }
    }

    StreamingChatModel chatModel() {
        EmbeddedChatModel model = chatModel;
        if (model == null) {
            throw new IllegalStateException("The built-in model is not running (" + state.phase().name()
                    .toLowerCase(Locale.ROOT) + ")");
        }
        return model;
    }

    @Override
    public void close() {
        EmbeddedChatModel model = chatModel;
        if (model != null) {
            model.close();
        }
        EmbeddedEngine loaded = engine;
        if (loaded != null) {
            loaded.close();
        }
    }
}
