package io.xueban.knowledge;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15q.BgeSmallZhV15QuantizedEmbeddingModel;

/**
 * Sentence embeddings computed in process with bge-small-zh-v1.5 (quantized ONNX, 512
 * dimensions). The model loads in the background once the app is up (or on first use, with
 * {@code xueban.knowledge.preload-embeddings=false}); its tokenizer's native library is unpacked
 * under the data directory rather than the home folder.
 *
 * <p>ONNX Runtime releases its native environment in a JVM shutdown hook of its own, which runs
 * at the same time as every other hook: an embedding still running then crashes the process
 * (microsoft/onnxruntime#31352). Once the JVM starts shutting down no new embedding begins
 * ({@link ShuttingDownException}, which ingestion treats as "try again at the next start"); one
 * already running cannot be stopped, so a batch is kept short.
 */
@Component
public class Embeddings implements DisposableBean {

    static final String MODEL = "bge-small-zh-v1.5-q";
    static final int DIMENSIONS = 512;

    private static final Logger log = LoggerFactory.getLogger(Embeddings.class);
    private static final AtomicBoolean exiting = new AtomicBoolean();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("embeddings-exit").unstarted(() -> exiting.set(true)));
    }

    /** The JVM is shutting down: no embedding may start (the native runtime is being released). */
    static final class ShuttingDownException extends IllegalStateException {
        ShuttingDownException() {
            super("the JVM is shutting down: no new embedding may start");
        }
    }

    private final ExecutorService executor;
    /**
     * Queries are embedded here, not on the caller's thread: the model runs native code for a few
     * milliseconds, which on a virtual thread would hold its carrier (on a one-core server, the
     * only one) and every other request with it.
     */
    private final ExecutorService queryWorkers;
    private final boolean preload;
    private final Path cacheDir;
    private volatile EmbeddingModel model;
    /** About 2 KB a query: 10,000 recent queries hold 20 MB. */
    private final Cache<String, float[]> queries = Caffeine.newBuilder().maximumSize(10_000).build();

    Embeddings(KnowledgeSettings settings) {
        this.cacheDir = settings.cacheDir().toAbsolutePath();
        this.executor = Executors.newFixedThreadPool(Math.max(1, settings.embeddingThreads()),
                Thread.ofPlatform().name("embedding-", 0).daemon().factory());
        this.queryWorkers = Executors.newFixedThreadPool(Math.max(1, settings.embeddingThreads()),
                Thread.ofPlatform().name("embedding-query-", 0).daemon().factory());
        this.preload = settings.preloadEmbeddings();
    }

    /** Loads the model once the app is up, in the background, unless it should wait for its first use. */
    @EventListener(ApplicationReadyEvent.class)
    void preload() {
        if (!preload) {
            return;
        }
        Thread.ofPlatform().daemon().name("embedding-preload").start(() -> {
            try {
                model();
            } catch (RuntimeException e) {
                log.warn("The embedding model did not load at start-up; it is tried again on first use: {}", e.toString());
            }
        });
    }

    /** Unit-length vectors for passages, in order. */
    List<float[]> passages(List<String> texts) {
        checkNotExiting();
        return model().embedAll(texts.stream().map(TextSegment::from).toList())
                .content().stream()
                .map(embedding -> normalized(embedding.vector()))
                .toList();
    }

    /**
     * A unit-length vector for a search query. bge's optional query instruction
     * ("为这个句子生成表示以用于检索相关文章：") is not used: on the demo evaluation set it lowered
     * the vector search's MRR from 0.80 to 0.76 (BENCHMARKS.md). The same query asked again (a
     * class asking about the same item, a teacher repeating a search) is not embedded again.
     */
    float[] query(String text) {
        checkNotExiting();
        float[] vector = queries.getIfPresent(text);
        if (vector == null) {
            vector = onWorker(() -> normalized(model().embed(text).content().vector()));
            queries.put(text, vector);
        }
        return vector.clone();
    }

    private float[] onWorker(Callable<float[]> embedding) {
        try {
            return queryWorkers.submit(embedding).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding a query", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    /** A unit-length vector for a short text (a message), for features other than the library; cached like a query. */
    public float[] sentence(String text) {
        return query(text);
    }

    /** Unit-length vectors for many short texts at once, in order (a training corpus). */
    public List<float[]> sentences(List<String> texts) {
        return passages(texts);
    }

    private static void checkNotExiting() {
        if (exiting.get()) {
            throw new ShuttingDownException();
        }
    }

    private EmbeddingModel model() {
        EmbeddingModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    useCacheDir("DJL_CACHE_DIR", cacheDir.resolve("djl"));
                    useCacheDir("ENGINE_CACHE_DIR", cacheDir.resolve("djl-engines"));
                    long start = System.nanoTime();
                    loaded = new BgeSmallZhV15QuantizedEmbeddingModel(executor);
                    model = loaded;
                    log.info("Embedding model {} loaded in {} ms", MODEL, (System.nanoTime() - start) / 1_000_000);
                }
            }
        }
        return loaded;
    }

    /** DJL reads its cache location from system properties before the environment. */
    private static void useCacheDir(String property, Path dir) {
        if (System.getProperty(property) == null && System.getenv(property) == null) {
            System.setProperty(property, dir.toString());
        }
    }

    static float[] normalized(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += v * v;
        }
        double norm = Math.sqrt(sum);
        if (norm == 0) {
            return vector;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
        queryWorkers.shutdownNow();
    }
}
