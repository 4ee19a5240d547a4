package io.xueban.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executors;

import tools.jackson.databind.json.JsonMapper;

/** What the benchmarks that drive the app over HTTP share. */
final class BenchSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BenchSupport() {
    }

    /** HTTP/1.1 like browsers talking to a server without TLS (no h2c upgrade attempts). */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The value at the p-th percentile (nearest rank); NaN for none. */
    static double percentile(Collection<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** CPU time a process has used, user and system, from /proc. */
    static long cpuNanos(long pid) throws IOException {
        return ticks(Path.of("/proc/" + pid + "/stat")) * 10_000_000L; // USER_HZ = 100
    }

    /** utime + stime of a /proc stat file (a process's or a thread's), in clock ticks. */
    private static long ticks(Path stat) throws IOException {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU time the JIT compiler threads of a JVM have used, from /proc: a warming JVM spends much of
     * its time there, a warm one almost none, so the figures can be told apart.
     */
    static long compilerCpuNanos(long pid) throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (!Files.readString(task.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
                        continue;
                    }
                    ticks += ticks(task.resolve("stat"));
                } catch (IOException threadEnded) {
                    // compiler threads come and go; one that ended took its time with it
                }
            }
        }
        return ticks * 10_000_000L;
    }

    /** POSTs a body (with a bearer token unless null) and returns the response body; a status of 300 or more throws. */
    static String post(HttpClient http, String url, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Waits until the app started as {@code app} answers its health check (up to five minutes). */
    static void awaitUp(HttpClient http, String base, Process app, Path log) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the app stopped; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the app did not come up; see " + log);
    }

    /** A bearer token for a user, from POST /api/tokens. */
    static String token(HttpClient http, String base, String username, String password) throws Exception {
        String body = JSON.writeValueAsString(Map.of("username", username, "password", password));
        return JSON.readTree(post(http, base + "/api/tokens", null, "application/json", body)).get("token").asString();
    }

    static String get(HttpClient http, String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
