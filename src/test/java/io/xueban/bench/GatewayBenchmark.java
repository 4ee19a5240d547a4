package io.xueban.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.xueban.bench.BenchSupport.client;
import static io.xueban.bench.BenchSupport.closeQuietly;
import static io.xueban.bench.BenchSupport.cpuNanos;
import static io.xueban.bench.BenchSupport.freePort;
import static io.xueban.bench.BenchSupport.percentile;

/**
 * The gateway benchmark (a command, not a test): starts the scripted model server and the app
 * (a separate JVM, on PostgreSQL), seeds students, teachers and API tokens, then drives N
 * simulated users chatting through {@code POST /api/ai/chat} (SSE) for a fixed time per N and
 * prints what the issue asks for. Run it with {@code bench/llm-gateway}.
 */
public final class GatewayBenchmark {

    /** The operator's token the app is started with, for its metrics. */
    private static final String METRICS_TOKEN = "bench-metrics-token";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    // The model server profile; the defaults are the issue's: 8 slots, 300 ms to first token,
    // 20 tokens/s, 200-token replies. Override with -Dbench.slots=... etc.
    private static final int SLOTS = Integer.getInteger("bench.slots", 8);
    private static final long TTFT_MILLIS = Long.getLong("bench.ttft", 300);
    private static final double TOKENS_PER_SECOND = Double.parseDouble(System.getProperty("bench.tps", "20"));
    private static final int REPLY_TOKENS = Integer.getInteger("bench.tokens", 200);
    /** How long a user will wait for the first token (the gateway's default deadline). */
    private static final String DEADLINE = System.getProperty("bench.deadline", "60s");
    /** One teacher chats for every this many students. */
    private static final int STUDENTS_PER_TEACHER = 50;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).map(Integer::valueOf).toList()
                : List.of(100, 1000, 3000);
        Duration phase = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        String pgUrl = System.getenv().getOrDefault("XUEBAN_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        int maxUsers = Collections.max(sizes);

        StringBuilder reply = new StringBuilder();
        for (int i = 0; i < REPLY_TOKENS; i++) {
            reply.append(String.format(Locale.ROOT, "t%03d ", i));
        }
        String expected = reply.toString().strip();

        try (ScriptedModelServer server = new ScriptedModelServer().parallel(SLOTS).firstTokenMillis(TTFT_MILLIS)
                .tokensPerSecond(TOKENS_PER_SECOND).when("", ScriptedModelServer.Reply.of(reply.toString()))) {
            System.out.printf("machine: %d cores; %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            System.out.printf("model server: %d slots, TTFT %d ms, %.0f tokens/s, %d-token replies; deadline %s; %d s per N%n",
                    SLOTS, TTFT_MILLIS, TOKENS_PER_SECOND, REPLY_TOKENS, DEADLINE, phase.toSeconds());
            double directTtft = directBaseline(server);
            System.out.printf("direct to the model server (8 at once, 40 calls): TTFT p50 %.1f ms%n", directTtft);

            String schema = "xueban_bench";
            resetSchema(pgUrl, schema);
            int port = freePort();
            Process app = startApp(port, server, pgUrl, schema);
            try {
                String base = "http://127.0.0.1:" + port;
                waitForHealth(base, app);
                List<String> tokens = seed(pgUrl, schema, maxUsers);
                long pid = app.pid();
                // Warm the app up (JIT, connection pools) before anything is measured.
                runPhase(base, tokens, Math.min(maxUsers, 200), Duration.ofSeconds(15), expected, pid, null);
                waitUntilIdle(server);
                burst(base, 200);
                Phase single = new Phase();
                HttpClient one = client();
                for (int i = 0; i < 20; i++) {
                    chatOnce(one, base, tokens.get(i), false, i, expected, single, new AtomicInteger(), new AtomicInteger(),
                            Long.MAX_VALUE, true);
                }
                System.out.printf("one call at a time (idle app): added TTFT p50 %.2f ms, p99 %.2f ms; headers p50 %.2f ms%n",
                        percentile(single.ttftMinusQueue, 50) - directTtft, percentile(single.ttftMinusQueue, 99) - directTtft,
                        percentile(single.headersMillis, 50));
                Snapshot idle = snapshot(pid, base);
                System.out.printf("app idle: heap %.1f MB live, RSS %.1f MB%n", idle.heapBytes / 1e6, idle.rssBytes / 1e6);
                for (int n : sizes) {
                    server.reset();
                    server.when("", ScriptedModelServer.Reply.of(reply.toString()));
                    Phase result = runPhase(base, tokens, n, phase, expected, pid, idle);
                    result.print(n, directTtft, server.rejectedOverLimit(), server.maxInFlight());
                    printServerSide(base);
                    waitUntilIdle(server);
                }
            } finally {
                app.destroy();
                app.waitFor();
            }
        }
    }

    // --- the phase

    private static Phase runPhase(String base, List<String> tokens, int n, Duration length, String expected, long pid,
                                  Snapshot idle) throws Exception {
        Phase phase = new Phase();
        HttpClient http = client();
        long cpuBefore = cpuNanos(pid);
        long end = System.nanoTime() + length.toNanos();
        int teachers = Math.max(1, n / STUDENTS_PER_TEACHER);
        CountDownLatch done = new CountDownLatch(n + teachers);
        AtomicInteger peakStreams = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        List<Thread> users = new ArrayList<>();
        for (int i = 0; i < n + teachers; i++) {
            boolean teacher = i >= n;
            String token = teacher ? tokens.get(tokens.size() - 1 - teachers + (i - n)) : tokens.get(i);
            int user = i;
            users.add(Thread.ofVirtual().start(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long pause = chatOnce(http, base, token, teacher, user, expected, phase, open, peakStreams, end, false);
                        if (pause > 0) {
                            Thread.sleep(Math.min(pause, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }));
        }
        // Measure memory while the most streams are open: half way through.
        Thread.sleep(length.toMillis() / 2);
        if (idle != null) {
            phase.openAtPeak = open.get();
            phase.atPeak = snapshot(pid, base);
        }
        done.await();
        phase.cpuSeconds = (cpuNanos(pid) - cpuBefore) / 1e9;
        phase.idle = idle;
        phase.peakOpen = peakStreams.get();
        phase.users = n;
        return phase;
    }

    /** One chat; returns how long to wait before the next (Retry-After on 429). */
    private static long chatOnce(HttpClient http, String base, String token, boolean teacher, int user, String expected,
                                 Phase phase, AtomicInteger open, AtomicInteger peak, long end, boolean firstTokenOnly) {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"第" + user + "位同学的问题\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/ai/chat"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | InterruptedException e) {
            phase.errors.incrementAndGet();
            return 1000;
        }
        long answered = System.nanoTime();
        if (response.statusCode() == 429) {
            phase.shed.incrementAndGet();
            phase.shedMillis.add((answered - sent) / 1e6);
            closeQuietly(response.body());
            return response.headers().firstValueAsLong("retry-after").orElse(1) * 1000;
        }
        if (response.statusCode() != 200) {
            phase.errors.incrementAndGet();
            closeQuietly(response.body());
            return 1000;
        }
        phase.headersMillis.add((answered - sent) / 1e6);
        peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            long queueMillis = -1;
            long lastToken = 0;
            StringBuilder text = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (System.nanoTime() > end) {
                    return 0; // the phase is over: hang up (the gateway cancels the call)
                }
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && event != null) {
                    long now = System.nanoTime();
                    JsonNode data = JSON.readTree(line.substring(5));
                    switch (event) {
                        case "start" -> queueMillis = data.get("queueMillis").asLong();
                        case "token" -> {
                            if (lastToken == 0) {
                                double ttft = (now - sent) / 1e6;
                                (teacher ? phase.teacherWaitMillis : phase.studentWaitMillis).add((double) queueMillis);
                                phase.ttftMinusQueue.add(ttft - queueMillis);
                            } else {
                                phase.chunkGapMillis.add((now - lastToken) / 1e6);
                            }
                            lastToken = now;
                            text.append(data.get("text").asString());
                            if (firstTokenOnly) {
                                return 0; // hang up: the gateway cancels the rest
                            }
                        }
                        case "done" -> {
                            if (text.toString().strip().equals(expected)) {
                                phase.completed.incrementAndGet();
                                if (!teacher) {
                                    phase.completedBy.add(user);
                                }
                            } else {
                                phase.corrupted.incrementAndGet();
                            }
                            return 0;
                        }
                        case "error" -> {
                            phase.streamErrors.incrementAndGet();
                            JsonNode retry = data.get("retryAfterSeconds");
                            return retry == null ? 1000 : retry.asLong() * 1000;
                        }
                        default -> { }
                    }
                    event = null;
                }
            }
            if (System.nanoTime() < end) {
                phase.errors.incrementAndGet();
            }
            return 0;
        } catch (IOException e) {
            phase.errors.incrementAndGet();
            return 1000;
        } finally {
            open.decrementAndGet();
        }
    }

    private static final class Phase {
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger corrupted = new AtomicInteger();
        final AtomicInteger shed = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger streamErrors = new AtomicInteger();
        final ConcurrentLinkedQueue<Integer> completedBy = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> ttftMinusQueue = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> chunkGapMillis = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> shedMillis = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> headersMillis = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> studentWaitMillis = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Double> teacherWaitMillis = new ConcurrentLinkedQueue<>();
        Snapshot idle;
        Snapshot atPeak;
        int openAtPeak;
        int peakOpen;
        int users;
        double cpuSeconds;

        void print(int n, double directTtft, int backend503, int backendMaxInFlight) {
            double gap = 1000 / TOKENS_PER_SECOND;
            System.out.printf("%n== N = %d students (+%d teachers), each chatting in a loop ==%n", n, Math.max(1, n / STUDENTS_PER_TEACHER));
            System.out.printf("replies completed %d (corrupted, lost or reordered: %d); stream errors %d; other errors %d%n",
                    completed.get(), corrupted.get(), streamErrors.get(), errors.get());
            System.out.printf("added TTFT (client TTFT - queue wait - direct TTFT): p50 %.2f ms, p99 %.2f ms (n=%d)%n",
                    percentile(ttftMinusQueue, 50) - directTtft, percentile(ttftMinusQueue, 99) - directTtft,
                    ttftMinusQueue.size());
            System.out.printf("delay between chunks: p50 %.1f ms, p99 %.1f ms (the server sends one every %.0f ms): added p99 %.1f ms%n",
                    percentile(chunkGapMillis, 50), percentile(chunkGapMillis, 99), gap, percentile(chunkGapMillis, 99) - gap);
            System.out.printf("admitted streams: response headers after p50 %.2f ms, p99 %.2f ms%n",
                    percentile(headersMillis, 50), percentile(headersMillis, 99));
            System.out.printf("shed with 429: %d, answered in p50 %.2f ms, p99 %.2f ms%n",
                    shed.get(), percentile(shedMillis, 50), percentile(shedMillis, 99));
            System.out.printf("model server: 503s %d, most calls at once %d (slots %d)%n", backend503, backendMaxInFlight, SLOTS);
            System.out.printf("queue wait: students p50 %.0f ms p99 %.0f ms; teachers p50 %.0f ms p99 %.0f ms%n",
                    percentile(studentWaitMillis, 50), percentile(studentWaitMillis, 99),
                    percentile(teacherWaitMillis, 50), percentile(teacherWaitMillis, 99));
            System.out.printf("Jain fairness of completed replies across the %d students: %.3f%n", users, jain());
            long heapPerStream = openAtPeak == 0 ? 0 : (atPeak.heapBytes - idle.heapBytes) / openAtPeak;
            long rssPerStream = openAtPeak == 0 ? 0 : (atPeak.rssBytes - idle.rssBytes) / openAtPeak;
            System.out.printf("app: CPU %.1f s over the phase; %d streams open at mid-phase (most %d): live heap +%.1f MB (%d B per stream), RSS +%.1f MB (%d B per stream)%n",
                    cpuSeconds, openAtPeak, peakOpen, (atPeak.heapBytes - idle.heapBytes) / 1e6, heapPerStream,
                    (atPeak.rssBytes - idle.rssBytes) / 1e6, rssPerStream);
        }

        double jain() {
            int[] counts = new int[users];
            completedBy.forEach(u -> counts[u]++);
            double sum = 0;
            double squares = 0;
            for (int c : counts) {
                sum += c;
                squares += (double) c * c;
            }
            return squares == 0 ? 0 : sum * sum / (users * squares);
        }
    }

    // --- baseline, app process, seeding, measurements

    /** The app's own view of its request times (Spring's http.server.requests), by status. */
    private static void printServerSide(String base) throws Exception {
        HttpClient http = client();
        StringBuilder line = new StringBuilder("app-side handling time of /api/ai/chat:");
        for (String status : List.of("200", "429")) {
            var response = http.send(HttpRequest.newBuilder(URI.create(base
                            + "/actuator/metrics/http.server.requests?tag=uri:/api/ai/chat&tag=status:" + status))
                    .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                continue;
            }
            JsonNode measurements = JSON.readTree(response.body()).get("measurements");
            double count = 0;
            double total = 0;
            double max = 0;
            for (JsonNode m : measurements) {
                switch (m.get("statistic").asString()) {
                    case "COUNT" -> count = m.get("value").asDouble();
                    case "TOTAL_TIME" -> total = m.get("value").asDouble();
                    case "MAX" -> max = m.get("value").asDouble();
                    default -> { }
                }
            }
            line.append(String.format(" %s: %.0f requests, mean %.2f ms, max %.1f ms;", status, count,
                    count == 0 ? 0 : total / count * 1000, max * 1000));
        }
        System.out.println(line);
    }

    /** How fast the app answers a burst of cheap requests (health), to tell app from driver delays. */
    private static void burst(String base, int n) throws Exception {
        HttpClient http = client();
        for (int round = 0; round < 2; round++) {
            ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    long sent = System.nanoTime();
                    try {
                        http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                                HttpResponse.BodyHandlers.discarding());
                        millis.add((System.nanoTime() - sent) / 1e6);
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            System.out.printf("burst of %d health requests: p50 %.1f ms, p99 %.1f ms%n", n,
                    percentile(millis, 50), percentile(millis, 99));
        }
    }

    private static double directBaseline(ScriptedModelServer server) throws Exception {
        HttpClient http = client();
        ConcurrentLinkedQueue<Double> ttft = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < SLOTS; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < 40) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(server.ollamaUrl() + "/api/chat"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"qwen2.5:7b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                            .build();
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                            reader.readLine();
                            ttft.add((System.nanoTime() - sent) / 1e6);
                            while (reader.readLine() != null) {
                                // drain
                            }
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return percentile(ttft, 50);
    }

    private static Process startApp(int port, ScriptedModelServer server, String pgUrl, String schema) throws IOException {
        Path log = Files.createTempFile("xueban-bench-app", ".log");
        Path data = Files.createTempDirectory("xueban-bench-data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.xueban.XuebanApplication",
                "--server.port=" + port,
                "--xueban.data-dir=" + data,
                "--xueban.operations.metrics-token=" + METRICS_TOKEN,
                "--spring.datasource.url=" + pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "--spring.datasource.username=", "--spring.datasource.password=",
                "--spring.datasource.hikari.maximum-pool-size=20",
                "--spring.flyway.schemas=" + schema,
                "--xueban.llm.backends[0].name=scripted", "--xueban.llm.backends[0].kind=ollama",
                "--xueban.llm.backends[0].base-url=" + server.ollamaUrl(),
                "--xueban.llm.backends[0].slots=" + SLOTS,
                "--xueban.llm.open-chat-for-students=true",
                "--xueban.llm.rate-limit.per-minute=0",
                "--xueban.llm.queue.expected-call-time=" + (TTFT_MILLIS + (long) (REPLY_TOKENS * 1000 / TOKENS_PER_SECOND)) + "ms",
                "--xueban.llm.queue.default-deadline=" + DEADLINE,
                "--xueban.llm.queue.max-length=100000",
                "--logging.level.root=warn");
        System.out.println("app log: " + log);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void waitForHealth(String base, Process app) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 240; i++) {
            if (!app.isAlive()) {
                throw new IllegalStateException("the app stopped; see its log");
            }
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    Thread.sleep(1000); // let the backend probe run once
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the app did not come up");
    }

    private static void resetSchema(String url, String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
    }

    /** Students first, then teachers (one per 50 students), then an admin: their bearer tokens in that order. */
    private static List<String> seed(String url, String schema, int students) throws Exception {
        int teachers = Math.max(1, students / STUDENTS_PER_TEACHER);
        List<String> tokens = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema)) {
            c.setAutoCommit(false);
            long school;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO school (code, name, created_at) VALUES ('bench', '压测学校', now()) RETURNING id");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                school = rs.getLong(1);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (PreparedStatement user = c.prepareStatement("""
                    INSERT INTO app_user (school_id, username, display_name, role, password_hash, enabled, created_at)
                    VALUES (?, ?, ?, ?, '{noop}unused', TRUE, now()) RETURNING id""");
                 PreparedStatement token = c.prepareStatement("""
                         INSERT INTO api_token (user_id, token_hash, name, created_at, expires_at)
                         VALUES (?, ?, 'bench', now(), now() + interval '1 day')""")) {
                for (int i = 0; i < students + teachers + 1; i++) {
                    String role = i < students ? "STUDENT" : i < students + teachers ? "TEACHER" : "ADMIN";
                    user.setLong(1, school);
                    user.setString(2, "bench" + i);
                    user.setString(3, "压测用户" + i);
                    user.setString(4, role);
                    long id;
                    try (ResultSet rs = user.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                    String value = "xb_bench_" + i + "_" + System.nanoTime();
                    token.setLong(1, id);
                    token.setString(2, HexFormat.of().formatHex(sha.digest(value.getBytes(StandardCharsets.UTF_8))));
                    token.addBatch();
                    tokens.add(value);
                }
                token.executeBatch();
            }
            c.commit();
        }
        return tokens;
    }

    private record Snapshot(long heapBytes, long rssBytes) {
    }

    /** Live heap after a full collection (read from the app's metrics) and the process RSS. */
    private static Snapshot snapshot(long pid, String base) throws Exception {
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        HttpClient http = HttpClient.newHttpClient();
        var response = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/jvm.memory.used?tag=area:heap"))
                .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        long heap = (long) JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return new Snapshot(heap, rss);
    }

    private static void waitUntilIdle(ScriptedModelServer server) throws InterruptedException {
        for (int i = 0; i < 300 && server.inFlight() > 0; i++) {
            Thread.sleep(100);
        }
    }
}
