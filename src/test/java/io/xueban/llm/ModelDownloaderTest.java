package io.xueban.llm;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model downloader against a local HTTP server that can cut a download short or lie about the file. */
class ModelDownloaderTest {

    static final byte[] MODEL = new byte[300_000];

    static {
        new Random(7).nextBytes(MODEL);
    }

    @TempDir
    Path dir;

    HttpServer server;
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    /** Bytes sent before the connection is dropped on the next request (-1: send everything). */
    volatile int cutAfter = -1;
    /** Bytes sent before the connection goes silent (for longer than the test waits) on the next request. */
    volatile int stallAfter = -1;
    volatile int delayMillis;
    final List<ModelDownloader.Progress> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/models/tiny.gguf", exchange -> {
            requests.incrementAndGet();
            String range = exchange.getRequestHeaders().getFirst("Range");
            ranges.add(String.valueOf(range));
            int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (from > 0) {
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (MODEL.length - 1) + "/" + MODEL.length);
            }
            exchange.sendResponseHeaders(from > 0 ? 206 : 200, MODEL.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
                int quiet = stallAfter;
                if (quiet >= 0) {
                    stallAfter = -1;
                    out.write(MODEL, from, quiet);
                    out.flush();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                int cut = cutAfter;
                if (cut >= 0) {
                    cutAfter = -1;
                    out.write(MODEL, from, cut);
                    out.flush();
                    throw new IOException("connection dropped on purpose");
                }
                out.write(MODEL, from, MODEL.length - from);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    ModelDownloader.ModelFile file(String sha256) {
        return new ModelDownloader.ModelFile("tiny.gguf", url("/models/tiny.gguf"), MODEL.length, sha256);
    }

    ModelDownloader downloader() {
        return new ModelDownloader(HttpClient.newHttpClient(), dir, progress::add);
    }

    static String sha(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aCutDownloadResumesWhereItStoppedAndIsVerified() throws Exception {
        cutAfter = 100_000;
        assertThatThrownBy(() -> downloader().ensure(file(sha(MODEL))))
                .isInstanceOf(ModelDownloader.DownloadException.class)
                .hasMessageContaining("cut off").hasMessageContaining("resumes");
        assertThat(dir.resolve("tiny.gguf")).doesNotExist();
        long kept = Files.size(dir.resolve("tiny.gguf.part"));
        assertThat(kept).isPositive().isLessThan(MODEL.length);

        Path model = downloader().ensure(file(sha(MODEL)));

        assertThat(ranges.getLast()).isEqualTo("bytes=" + kept + "-");
        assertThat(Files.readAllBytes(model)).isEqualTo(MODEL);
        assertThat(dir.resolve("tiny.gguf.part")).doesNotExist();
        assertThat(progress).extracting(ModelDownloader.Progress::state)
                .contains(ModelDownloader.State.DOWNLOADING, ModelDownloader.State.VERIFYING, ModelDownloader.State.READY);
        // Once there and verified, the next start neither downloads nor hashes it again.
        int before = requests.get();
        assertThat(downloader().ensure(file(sha(MODEL)))).isEqualTo(model);
        assertThat(requests.get()).isEqualTo(before);
    }

    @Test
    void aConnectionThatGoesSilentIsGivenUpAndTheDownloadResumes() throws Exception {
        stallAfter = 50_000;
        var impatient = new ModelDownloader(HttpClient.newHttpClient(), dir, path -> Long.MAX_VALUE, progress::add,
                java.time.Duration.ofSeconds(1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> impatient.ensure(file(sha(MODEL))))
                .isInstanceOf(ModelDownloader.DownloadException.class).hasMessageContaining("cut off")
                .satisfies(e -> assertThat(((ModelDownloader.DownloadException) e).isTransient()).isTrue());
        assertThat((System.nanoTime() - start) / 1_000_000_000.0).isLessThan(8);
        assertThat(Files.readAllBytes(impatient.ensure(file(sha(MODEL))))).isEqualTo(MODEL);
        assertThat(ranges.getLast()).isEqualTo("bytes=" + 50_000 + "-");
    }

    @Test
    void aFileThatDoesNotMatchItsSha256IsRemovedAndNeverInstalled() {
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> downloader().ensure(file(wrong)))
                .isInstanceOf(ModelDownloader.DownloadException.class)
                .hasMessageContaining("SHA-256").hasMessageContaining("removed")
                .satisfies(e -> assertThat(((ModelDownloader.DownloadException) e).isTransient()).isFalse());
        assertThat(dir.resolve("tiny.gguf")).doesNotExist();
        assertThat(dir.resolve("tiny.gguf.part")).doesNotExist();
        assertThat(progress.getLast().state()).isEqualTo(ModelDownloader.State.FAILED);
    }

    @Test
    void aMissingFileOrAFullDiskIsAClearError() throws Exception {
        var missing = new ModelDownloader.ModelFile("tiny.gguf", url("/models/none.gguf"), MODEL.length, sha(MODEL));
        assertThatThrownBy(() -> downloader().ensure(missing))
                .isInstanceOf(ModelDownloader.DownloadException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("mirror");

        var full = new ModelDownloader(HttpClient.newHttpClient(), dir, path -> 1_000, progress::add,
                ModelDownloader.STALL);
        assertThatThrownBy(() -> full.ensure(file(sha(MODEL))))
                .isInstanceOf(ModelDownloader.DownloadException.class)
                .hasMessageContaining("Not enough disk space").hasMessageContaining("MB");
        assertThat(requests.get()).isZero();
        assertThat(dir.resolve("tiny.gguf")).doesNotExist();
    }

    @Test
    void twoStartsAtOnceDownloadOnce() throws Exception {
        delayMillis = 300;
        String sha = sha(MODEL);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<Path> first = pool.submit(() -> downloader().ensure(file(sha)));
            Future<Path> second = pool.submit(() -> downloader().ensure(file(sha)));
            assertThat(first.get()).isEqualTo(second.get());
        }
        assertThat(requests.get()).isEqualTo(1);
        assertThat(Files.readAllBytes(dir.resolve("tiny.gguf"))).isEqualTo(MODEL);
    }
}
