package io.xueban.bench;

import static io.xueban.bench.BenchSupport.awaitUp;
import static io.xueban.bench.BenchSupport.client;
import static io.xueban.bench.BenchSupport.freePort;
import static io.xueban.bench.BenchSupport.get;
import static io.xueban.bench.BenchSupport.percentile;
import static io.xueban.bench.BenchSupport.post;
import static io.xueban.bench.BenchSupport.token;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A student chats with the buddy while an admin imports a roster of 20,000 accounts: does the chat
 * keep streaming? The app runs in its own JVM on one core ({@code bench.app-core}, default 0), this
 * driver and the scripted model server on another. The student sends a message, reads the whole
 * streamed reply, waits a second and sends the next; measured per reply: the time to the first
 * token and the longest gap between two chunks, for a quiet baseline and for the import's duration.
 */
public final class RosterImportBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ROWS = Integer.getInteger("bench.rows", 20_000);
    private static final Duration BASELINE = Duration.ofSeconds(Long.getLong("bench.baseline-seconds", 20));
    private static final String APP_CORE = System.getProperty("bench.app-core", "0");
    private static final String ADMIN = "bench.admin";
    private static final String ADMIN_PASSWORD = "roster-bench-admin-2026";
    private static final String STUDENT_PASSWORD = "roster-bench-2026";

    /** One reply as the student saw it. */
    private record Reply(double firstTokenMillis, double longestGapMillis, int status) {
    }

    public static void main(String[] args) throws Exception {
        try (ScriptedModelServer server = new ScriptedModelServer().parallel(8).firstTokenMillis(300)
                .tokensPerSecond(25).when("", ScriptedModelServer.Reply.of("先想一想题目给了哪些条件，再试着列出关系式。".repeat(4)))) {
            Path data = Files.createTempDirectory("xueban-roster-bench");
            Path log = Files.createTempFile("xueban-roster-bench-app", ".log");
            int port = freePort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of("taskset", "-c", APP_CORE, java,
                    "-XX:ActiveProcessorCount=" + APP_CORE.split(",").length, "-Xmx2g", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "io.xueban.XuebanApplication",
                    "--server.port=" + port, "--xueban.data-dir=" + data, "--xueban.demo.enabled=false",
                    "--xueban.llm.mode=configured", "--xueban.llm.backends[0].name=scripted",
                    "--xueban.llm.backends[0].kind=ollama", "--xueban.llm.backends[0].base-url=" + server.ollamaUrl(),
                    "--xueban.llm.backends[0].slots=8", "--xueban.safety.default-quiet-hours=",
                    "--xueban.bootstrap.school-code=bench", "--xueban.bootstrap.admin-username=" + ADMIN,
                    "--xueban.bootstrap.admin-password=" + ADMIN_PASSWORD, "--logging.level.root=warn");
            Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String base = "http://127.0.0.1:" + port;
                HttpClient http = client();
                awaitUp(http, base, app, log);
                System.out.printf(Locale.ROOT, "machine: %d cores; app on core %s (%s %s); %d-row roster%n",
                        Runtime.getRuntime().availableProcessors(), APP_CORE, System.getProperty("java.vm.name"),
                        System.getProperty("java.version"), ROWS);
                String admin = token(http, base, ADMIN, ADMIN_PASSWORD);
                post(http, base + "/api/roster", admin, "text/csv", "username,display_name,role,class,grade,password\n"
                        + "rb-chat,学生,student,初二(1)班,8," + STUDENT_PASSWORD + "\n");
                String student = token(http, base, "rb-chat", STUDENT_PASSWORD);
                post(http, base + "/api/ai-policy/accept", student, "application/json", "{}");
                long conversation = JSON.readTree(post(http, base + "/api/conversations", student, "application/json", "{}"))
                        .get("id").asLong();

                List<Reply> baseline = chatFor(http, base, student, conversation, BASELINE, null);
                AtomicBoolean importing = new AtomicBoolean(true);
                List<Reply> during = new ArrayList<>();
                Thread chat = Thread.ofPlatform().start(() -> during.addAll(
                        chatFor(http, base, student, conversation, Duration.ofHours(1), importing)));
                long started = System.nanoTime();
                JsonNode job = JSON.readTree(post(http, base + "/api/roster", admin, "text/csv", roster()));
                double accepted = (System.nanoTime() - started) / 1e9;
                while (!job.get("state").asString().equals("DONE") && !job.get("state").asString().equals("FAILED")) {
                    Thread.sleep(1000);
                    job = JSON.readTree(get(http, base + "/api/roster/imports/" + job.get("id").asString(), admin));
                }
                double took = (System.nanoTime() - started) / 1e9;
                importing.set(false);
                chat.join();
                System.out.printf(Locale.ROOT, "roster import: checked and accepted (202) in %.1f s; %s after %.1f s "
                        + "(%.0f rows/s)%n", accepted, job.get("state").asString(), took, ROWS / took);
                report("chat, quiet baseline", baseline);
                report("chat during the import", during);
            } finally {
                app.destroy();
                app.waitFor();
            }
        }
    }

    private static String roster() {
        StringBuilder csv = new StringBuilder("username,display_name,role,class,grade\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append("rb%05d,学生%05d,student,初一(%d)班,7\n".formatted(i, i, 1 + i / 45));
        }
        return csv.toString();
    }

    /** Messages one after another (a second apart) until the time is up or {@code until} turns false. */
    private static List<Reply> chatFor(HttpClient http, String base, String token, long conversation, Duration time,
            AtomicBoolean until) {
        List<Reply> replies = new ArrayList<>();
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end && (until == null || until.get())) {
            replies.add(message(http, base, token, conversation));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return replies;
    }

    private static Reply message(HttpClient http, String base, String token, long conversation) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/conversations/" + conversation + "/messages"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"勾股定理的逆定理怎么用？\"}")).build();
        long sent = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                BenchSupport.closeQuietly(response.body());
                return new Reply(Double.NaN, Double.NaN, response.statusCode());
            }
            double first = Double.NaN;
            double gap = 0;
            long last = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("event:token")) {
                        long now = System.nanoTime();
                        if (last == 0) {
                            first = (now - sent) / 1e6;
                        } else {
                            gap = Math.max(gap, (now - last) / 1e6);
                        }
                        last = now;
                    }
                }
            }
            return new Reply(first, gap, 200);
        } catch (Exception e) {
            return new Reply(Double.NaN, Double.NaN, -1);
        }
    }

    private static void report(String phase, List<Reply> replies) {
        List<Double> first = replies.stream().filter(r -> r.status() == 200).map(Reply::firstTokenMillis).toList();
        List<Double> gaps = replies.stream().filter(r -> r.status() == 200).map(Reply::longestGapMillis).toList();
        long failed = replies.stream().filter(r -> r.status() != 200).count();
        System.out.printf(Locale.ROOT, "%-24s %3d replies (%d failed): first token p50 %.0f ms, max %.0f ms; longest gap "
                        + "between chunks p50 %.0f ms, max %.0f ms%n", phase, replies.size(), failed,
                percentile(first, 50), percentile(first, 100), percentile(gaps, 50), percentile(gaps, 100));
    }
}
