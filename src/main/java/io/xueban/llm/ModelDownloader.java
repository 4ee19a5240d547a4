package io.xueban.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Fetches a model file once into a directory: resumed where a cut connection left it (HTTP
 * Range), checked against its SHA-256 before it is used, and never half-installed (it is written
 * as {@code name.part} and moved into place only when whole and verified). Two starts at once,
 * in one JVM or two, download it once: the second waits for the first and finds the file.
 */
final class ModelDownloader {

    /** A model file: where to get it, how big it is (0: unknown) and its SHA-256 (hex). */
    record ModelFile(String name, URI url, long size, String sha256) {

        ModelFile {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("A model file name is letters, digits, '.', '_' and '-': " + name);
            }
            sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        }
    }

    enum State { CHECKING, DOWNLOADING, VERIFYING, READY, FAILED }

    /** How far a download has come, for the console and the admin page. */
    record Progress(String name, State state, long bytes, long total, String error) {

        /** Percent done, or -1 when the size is unknown. */
        int percent() {
            return total <= 0 ? -1 : (int) Math.min(100, bytes * 100 / total);
        }
    }

    /**
     * A download that could not finish, with a message an administrator can act on;
     * {@code transient} when trying again later may help (network, disk space), not when the
     * file itself is wrong (404, size, SHA-256).
     */
    static final class DownloadException extends IOException {

        private final boolean transientProblem;

        DownloadException(String message, Throwable cause, boolean transientProblem) {
            super(message, cause);
            this.transientProblem = transientProblem;
        }

        boolean isTransient() {
            return transientProblem;
        }
    }

    /** A connection that sends nothing for this long is given up (the download resumes later). */
    static final Duration STALL = Duration.ofSeconds(60);

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final int BUFFER = 1 << 16;

    private final HttpClient http;
    private final Path dir;
    private final ToLongFunction<Path> usableSpace;
    private final Consumer<Progress> listener;
    private final Duration stall;

    ModelDownloader(HttpClient http, Path dir, Consumer<Progress> listener) {
        this(http, dir, ModelDownloader::usableSpace, listener, STALL);
    }

    /**
     * @param usableSpace free bytes where the file goes, and {@code stall} how long a silent
     *     connection is waited for (parameters so that tests can fill the disk and stall quickly)
     */
    ModelDownloader(HttpClient http, Path dir, ToLongFunction<Path> usableSpace, Consumer<Progress> listener,
                    Duration stall) {
        this.http = http;
        this.dir = dir;
        this.usableSpace = usableSpace;
        this.listener = listener;
        this.stall = stall;
    }

    /** The verified file, downloading what is missing first. */
    Path ensure(ModelFile file) throws IOException, InterruptedException {
        Path target = dir.resolve(file.name());
        // A verified file needs no lock (and a read-only directory is fine then).
        if (Files.isRegularFile(target) && (file.sha256() == null
                || stamp(file, target).equals(readStamp(dir.resolve(file.name() + ".verified"))))) {
            report(file, State.READY, Files.size(target), Files.size(target), null);
            return target;
        }
        Files.createDirectories(dir);
        ReentrantLock inThisJvm = LOCKS.computeIfAbsent(target.toAbsolutePath().normalize(), p -> new ReentrantLock());
        inThisJvm.lock();
        try (FileChannel lockFile = FileChannel.open(dir.resolve(file.name() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock acrossJvms = lockFile.lock()) {
            return ensureLocked(file, target);
        } finally {
            inThisJvm.unlock();
        }
    }

    private Path ensureLocked(ModelFile file, Path target) throws IOException, InterruptedException {
        Path verified = dir.resolve(file.name() + ".verified");
        if (Files.isRegularFile(target)) {
            report(file, State.CHECKING, 0, Files.size(target), null);
            if (file.sha256() == null || stamp(file, target).equals(readStamp(verified))
                    || file.sha256().equals(sha256(target))) {
                Files.writeString(verified, stamp(file, target));
                report(file, State.READY, Files.size(target), Files.size(target), null);
                return target;
            }
            // Not what it should be (a file put there by hand, a changed setting): fetch it again.
            Files.delete(target);
            Files.deleteIfExists(verified);
        }
        Path part = dir.resolve(file.name() + ".part");
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (file.size() > 0 && have > file.size()) {
            Files.delete(part);
            have = 0;
        }
        if (file.size() > 0 && usableSpace.applyAsLong(dir) < file.size() - have) {
            throw fail(file, "Not enough disk space for model " + file.name() + " in " + dir.toAbsolutePath()
                    + ": it needs " + mb(file.size() - have) + " MB more, " + mb(usableSpace.applyAsLong(dir))
                    + " MB are free. Free some space or set xueban.llm.embedded.model-path to a copy elsewhere.", null, true);
        }
        if (file.size() <= 0 || have < file.size()) {
            download(file, part, have);
        }
        report(file, State.VERIFYING, Files.size(part), file.size(), null);
        if (file.size() > 0 && Files.size(part) != file.size()) {
            long size = Files.size(part);
            Files.delete(part);
            throw fail(file, "Model " + file.name() + " from " + file.url() + " has " + size + " bytes, not the "
                    + file.size() + " expected; the download was removed. Check the URL (or mirror) and the size.", null, false);
        }
        String actual = sha256(part);
        if (file.sha256() != null && !file.sha256().equals(actual)) {
            Files.delete(part);
            throw fail(file, "Model " + file.name() + " from " + file.url() + " does not match its SHA-256 (expected "
                    + file.sha256() + ", got " + actual + "); the download was removed and nothing was installed.", null, false);
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // Hashing gigabytes at every start is slow: an unchanged, verified file is trusted by this stamp.
        Files.writeString(verified, stamp(file, target));
        report(file, State.READY, Files.size(target), Files.size(target), null);
        return target;
    }

    private static String stamp(ModelFile file, Path target) throws IOException {
        return file.sha256() + " " + Files.size(target) + " " + Files.getLastModifiedTime(target).toMillis();
    }

    private static String readStamp(Path verified) throws IOException {
        return Files.isRegularFile(verified) ? Files.readString(verified).strip() : "";
    }

    private void download(ModelFile file, Path part, long have) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(file.url()).timeout(Duration.ofMinutes(2)).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw fail(file, "Cannot reach " + file.url() + " to download model " + file.name() + " (" + e
                    + "). Check the network, or set xueban.llm.embedded.url to a mirror.", e, true);
        }
        int status = response.statusCode();
        // A resumed part must continue exactly where ours ends; anything else starts again from zero.
        boolean resumed = status == 206 && response.headers().firstValue("Content-Range")
                .map(range -> range.startsWith("bytes " + have + "-")).orElse(false);
        if (status == 206 && !resumed) {
            response.body().close();
            Files.deleteIfExists(part);
            download(file, part, 0);
            return;
        }
        if (status == 416 && have > 0) {
            response.body().close();
            return; // the part is already whole; verification decides
        }
        if (status != 200 && !resumed) {
            response.body().close();
            throw fail(file, "Downloading model " + file.name() + " from " + file.url() + " failed: HTTP " + status
                    + (status == 404 ? " (no such file there; check the URL or use a mirror)" : "") + ".", null,
                    status != 404 && status != 410);
        }
        long start = resumed ? have : 0;
        long total = file.size() > 0 ? file.size()
                : response.headers().firstValueAsLong("Content-Length").orElse(-1) + start;
        StandardOpenOption mode = resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        long written = start;
        long reportedAt = System.nanoTime();
        InputStream body = response.body();
        // The request's timeout ends with the headers: a connection that goes quiet is closed by this watch.
        long[] lastRead = {System.nanoTime()};
        Thread watch = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Thread.sleep(Math.min(5000, stall.toMillis() / 4 + 1));
                    if (System.nanoTime() - lastRead[0] > stall.toNanos()) {
                        body.close();
                        return;
                    }
                }
            } catch (InterruptedException | IOException done) {
                // the download ended, or the stream is closed already
            }
        });
        try (InputStream in = body;
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            byte[] buffer = new byte[BUFFER];
            report(file, State.DOWNLOADING, written, total, null);
            for (int n; (n = in.read(buffer)) >= 0; ) {
                lastRead[0] = System.nanoTime();
                out.write(buffer, 0, n);
                written += n;
                if (System.nanoTime() - reportedAt > 500_000_000L) {
                    report(file, State.DOWNLOADING, written, total, null);
                    reportedAt = System.nanoTime();
                }
            }
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            // The error's words depend on the system's language: the free space says it plainly.
            if (message.contains("no space left") || message.contains("disk full") || usableSpace.applyAsLong(dir) < BUFFER) {
                throw fail(file, "The disk filled up while downloading model " + file.name() + " into "
                        + dir.toAbsolutePath() + " (" + written + " bytes kept in " + part.getFileName()
                        + "; the download resumes from there once there is space).", e, true);
            }
            throw fail(file, "The download of model " + file.name() + " was cut off after " + mb(written)
                    + " MB (" + e.getMessage() + "); it resumes from there on the next start.", e, true);
        } finally {
            watch.interrupt();
        }
        report(file, State.DOWNLOADING, written, total, null);
    }

    private DownloadException fail(ModelFile file, String message, Throwable cause, boolean transientProblem) {
        report(file, State.FAILED, 0, file.size(), message);
        return new DownloadException(message, cause, transientProblem);
    }

    private void report(ModelFile file, State state, long bytes, long total, String error) {
        listener.accept(new Progress(file.name(), state, bytes, total, error));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: let the write find out
        }
    }

    private static long mb(long bytes) {
        return Math.max(0, bytes) / (1024 * 1024);
    }
}
