package io.xueban.bench;

import static io.xueban.bench.BenchSupport.awaitUp;
import static io.xueban.bench.BenchSupport.client;
import static io.xueban.bench.BenchSupport.cpuNanos;
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
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-class check (课堂检测) the size of a school: {@code bench.students} (1,000) students of one
 * class answer {@code bench.items} (10) items within two minutes on their phones while their
 * teacher follows the live view over SSE. The app runs in its own JVM on one core
 * ({@code bench.app-core}, default 0) on PostgreSQL ({@code XUEBAN_BENCH_PG_URL}), this driver on
 * another. A first check of {@code bench.warmup-seconds} (60) warms the app up, unmeasured; in the
 * measured one each student starts within the first {@code bench.start-within} (10) seconds and
 * saves one answer every 6–11 s, then submits. Printed: how far the teacher's view is behind the answers (for each saved answer,
 * from the moment the student had the save confirmed to the first live event that counts it),
 * overall and per 20 s of the check), the students' save and submit times, the size and rate of
 * live events, and the app's CPU.
 */
public final class LiveCheckBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int STUDENTS = Integer.getInteger("bench.students", 1000);
    private static final int ITEMS = Integer.getInteger("bench.items", 10);
    private static final String APP_CORE = System.getProperty("bench.app-core", "0");
    /** A first check, not measured, of this many seconds; 0 for none. */
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 60);
    /** Every student's first answer comes within this many seconds of the start (10): 1 for a class that starts at a word. */
    private static final double START_WITHIN = Double.parseDouble(System.getProperty("bench.start-within", "10"));
    /** Seconds from the start for which a line per second is printed (answers, waits, the app's CPU); 0 for none. */
    private static final int PER_SECOND = Integer.getInteger("bench.per-second", 0);
    private static final String ADMIN = "live.admin";
    private static final String PASSWORD = "live-bench-2026-pass";

    /** A live event as the teacher's page received it: when, and how many answers it counted. */
    private record Event(long at, int answered, int submitted, int bytes) {
    }

    public static void main(String[] args) throws Exception {
        String pgUrl = System.getenv().getOrDefault("XUEBAN_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        String schema = "live_bench_" + System.currentTimeMillis();
        Path data = Files.createTempDirectory("xueban-live-bench");
        Path log = Files.createTempFile("xueban-live-bench-app", ".log");
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("taskset", "-c", APP_CORE, java,
                "-XX:ActiveProcessorCount=" + APP_CORE.split(",").length, "-Xmx2g", "--enable-native-access=ALL-UNNAMED"));
        if (System.getProperty("bench.gc-log") != null) {
            // The app's collections with their pauses, to tell a pause from a queue.
            command.add("-Xlog:gc:file=" + System.getProperty("bench.gc-log"));
        }
        if (System.getProperty("bench.jfr") != null) {
            // A flight recording of the app (pauses, lock and I/O waits), to look into a slow second.
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + System.getProperty("bench.jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.xueban.XuebanApplication",
                "--server.port=" + port, "--xueban.data-dir=" + data, "--xueban.demo.enabled=false",
                "--spring.datasource.url=" + pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "--spring.datasource.username=", "--spring.datasource.password=", "--spring.flyway.schemas=" + schema,
                "--xueban.llm.mode=configured", "--xueban.llm.backends[0].base-url=http://127.0.0.1:9",
                "--xueban.bootstrap.school-code=live", "--xueban.bootstrap.admin-username=" + ADMIN,
                "--xueban.bootstrap.admin-password=" + PASSWORD, "--logging.level.root=warn"));
        Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpClient http = client();
            awaitUp(http, base, app, log);
            System.out.printf(Locale.ROOT, "app on core %s (%s %s), PostgreSQL; %d students × %d items%n", APP_CORE, System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), STUDENTS, ITEMS);
            String admin = token(http, base, ADMIN, PASSWORD);
            Setup setup = setUp(http, base, admin);
            List<String> students = signIn(http, base);
            String teacher = token(http, base, "live.teacher", PASSWORD);

            if (WARMUP_SECONDS > 0) {
                // A first, shorter check warms the app up as a morning of lessons would, and is not measured.
                long warmup = start(http, base, teacher, setup, "热身检测");
                long until = System.nanoTime() + (long) (WARMUP_SECONDS * 1e9);
                List<Thread> phones = new ArrayList<>();
                Random seeds = new Random(20261207L);
                for (int s = 0; s < students.size(); s++) {
                    String student = students.get(s);
                    Random random = new Random(seeds.nextLong());
                    phones.add(Thread.ofVirtual().start(() -> answer(http, base, student, warmup, setup, random,
                            System.nanoTime(), WARMUP_SECONDS / 11.0, WARMUP_SECONDS / (double) ITEMS, new ConcurrentLinkedQueue<>(),
                            new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(),
                            new AtomicInteger())));
                }
                for (Thread phone : phones) {
                    phone.join();
                }
                sleepUntil(until);
                System.out.printf("warm-up check of %d s done%n", WARMUP_SECONDS);
            }
            long assignment = start(http, base, teacher, setup, "课堂检测");

            ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
            CountDownLatch following = new CountDownLatch(1);
            Thread teacherPage = Thread.ofVirtual().start(() -> follow(http, base, teacher, assignment, events, following));
            following.await();

            ConcurrentLinkedQueue<Long> confirmed = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Double> saveMillis = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<long[]> saves = new ConcurrentLinkedQueue<>(); // {confirmed at, nanos waited}
            ConcurrentLinkedQueue<Double> submitMillis = new ConcurrentLinkedQueue<>();
            AtomicInteger failures = new AtomicInteger();
            System.out.printf("app pid %d; %d students signed in; the check starts at %s%n", app.pid(), students.size(),
                    Instant.now());
            long cpuBefore = cpuNanos(app.pid());
            long started = System.nanoTime();
            // The driver's own hiccups (its collections, or its core taken by PostgreSQL beside it):
            // a pause here delays the times this side takes, not the app.
            List<long[]> hiccups = Collections.synchronizedList(new ArrayList<>()); // {at, millis}
            Thread hiccupMeter = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        long before = System.nanoTime();
                        Thread.sleep(10);
                        long over = (System.nanoTime() - before) / 1_000_000 - 10;
                        if (over >= 50) {
                            hiccups.add(new long[] {before, over});
                        }
                    }
                } catch (InterruptedException e) {
                    // measured to the end of the check
                }
            });
            long[] cpuEachSecond = new long[PER_SECOND + 1];
            Thread sampler = Thread.ofVirtual().start(() -> {
                try {
                    for (int second = 0; second <= PER_SECOND; second++) {
                        sleepUntil(started + second * 1_000_000_000L);
                        cpuEachSecond[second] = cpuNanos(app.pid());
                    }
                } catch (Exception e) {
                    // the figures stop where sampling did
                }
            });
            List<Thread> phones = new ArrayList<>();
            // Each phone's generator seeded from one: the first draws of generators seeded 0, 1, 2, …
            // lie within a tenth of each other, and put every first answer in the same second.
            Random seeds = new Random(20261208L);
            for (int s = 0; s < students.size(); s++) {
                String student = students.get(s);
                Random random = new Random(seeds.nextLong());
                phones.add(Thread.ofVirtual().start(() -> answer(http, base, student, assignment, setup, random, started,
                        START_WITHIN, 11, confirmed, saveMillis, saves, submitMillis, failures)));
            }
            for (Thread phone : phones) {
                phone.join();
            }
            double took = (System.nanoTime() - started) / 1e9;
            Thread.sleep(2000); // the last live events
            long cpu = cpuNanos(app.pid()) - cpuBefore;
            hiccupMeter.interrupt();
            teacherPage.interrupt();

            List<Long> acks = new ArrayList<>(confirmed);
            Collections.sort(acks);
            List<Event> seen = new ArrayList<>(events);
            List<Double> lag = new ArrayList<>();
            int e = 0;
            for (int n = 0; n < acks.size(); n++) {
                while (e < seen.size() && seen.get(e).answered() < n + 1) {
                    e++;
                }
                if (e == seen.size()) {
                    break;
                }
                lag.add(Math.max(0, seen.get(e).at() - acks.get(n)) / 1e6);
            }
            for (int window = 0; window * 20e9 < took * 1e9; window++) {
                long from = started + (long) (window * 20e9);
                long to = from + (long) 20e9;
                List<Double> inWindow = new ArrayList<>();
                for (int n = 0; n < lag.size(); n++) {
                    if (acks.get(n) >= from && acks.get(n) < to) {
                        inWindow.add(lag.get(n));
                    }
                }
                System.out.printf(Locale.ROOT, "  %3d–%3d s: %5d answers, view behind p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                        window * 20, window * 20 + 20, inWindow.size(), percentile(inWindow, 50), percentile(inWindow, 99),
                        percentile(inWindow, 100));
            }
            sampler.join();
            for (int second = 0; second < PER_SECOND; second++) {
                long from = started + second * 1_000_000_000L;
                long to = from + 1_000_000_000L;
                List<Double> waits = new ArrayList<>();
                for (long[] save : saves) {
                    if (save[0] >= from && save[0] < to) {
                        waits.add(save[1] / 1e6);
                    }
                }
                List<Double> behind = new ArrayList<>();
                for (int n = 0; n < lag.size(); n++) {
                    if (acks.get(n) >= from && acks.get(n) < to) {
                        behind.add(lag.get(n));
                    }
                }
                long published = seen.stream().filter(event -> event.at() >= from && event.at() < to).count();
                System.out.printf(Locale.ROOT, "  %3d s: %4d answers, save p50 %4.0f ms, p99 %5.0f ms; view behind p99 %5.0f ms, "
                                + "max %5.0f ms; %d events; app CPU %3.0f%%%n", second, waits.size(), percentile(waits, 50),
                        percentile(waits, 99), percentile(behind, 99), percentile(behind, 100), published,
                        cpuEachSecond[second + 1] == 0 ? Double.NaN : (cpuEachSecond[second + 1] - cpuEachSecond[second]) / 1e7);
            }
            JsonNode results = JSON.readTree(get(http, base + "/api/assignments/" + assignment + "/results", teacher));
            System.out.printf(Locale.ROOT, "answering: %d answers saved and %d submissions in %.1f s (%d failed requests); "
                            + "results: %d of %d submitted%n", acks.size(), submitMillis.size(), took, failures.get(),
                    results.get("submitted").asInt(), results.get("students").asInt());
            System.out.printf(Locale.ROOT, "teacher's view behind the answers: p50 %.0f ms, p99 %.0f ms, max %.0f ms "
                    + "(%d of %d answers seen)%n", percentile(lag, 50), percentile(lag, 99), percentile(lag, 100), lag.size(),
                    acks.size());
            System.out.printf(Locale.ROOT, "student requests: save p50 %.1f ms, p99 %.1f ms; submit p50 %.1f ms, p99 %.1f ms%n",
                    percentile(saveMillis, 50), percentile(saveMillis, 99), percentile(submitMillis, 50),
                    percentile(submitMillis, 99));
            double span = seen.size() < 2 ? 1 : (seen.getLast().at() - seen.getFirst().at()) / 1e9;
            StringBuilder stalls = new StringBuilder();
            synchronized (hiccups) {
                hiccups.forEach(h -> stalls.append(stalls.isEmpty() ? "" : ", ").append(h[1]).append(" ms at ")
                        .append((h[0] - started) / 1_000_000_000L).append(" s"));
            }
            System.out.printf("driver stalls of 50 ms or more: %s%n", stalls.isEmpty() ? "none" : stalls);
            System.out.printf(Locale.ROOT, "live events: %d (%.1f per second), last %.0f KB; app CPU %.1f s in %.1f s "
                            + "(%.0f%% of its core), %.2f ms per answer%n", seen.size(), seen.size() / span,
                    seen.isEmpty() ? 0 : seen.getLast().bytes() / 1024.0, cpu / 1e9, took, 100 * cpu / 1e9 / took,
                    cpu / 1e6 / Math.max(1, acks.size() + submitMillis.size()));
        } finally {
            app.destroy();
            app.waitFor();
            try (var db = DriverManager.getConnection(pgUrl); var drop = db.createStatement()) {
                drop.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            System.out.println("app log: " + log);
        }
    }

    private record Setup(long classId, List<Long> itemIds) {
    }

    /** A live check of the class's items, published. */
    private static long start(HttpClient http, String base, String teacher, Setup setup, String title) throws Exception {
        long id = JSON.readTree(post(http, base + "/api/assignments", teacher, "application/json", """
                {"classId":%d,"title":"%s","kind":"LIVE","itemIds":%s}""".formatted(setup.classId(), title,
                setup.itemIds()))).get("id").asLong();
        post(http, base + "/api/assignments/" + id + "/publish", teacher, "application/json", "");
        return id;
    }

    /** A subject, a point, ten choice items, one class of students and its teacher. */
    private static Setup setUp(HttpClient http, String base, String admin) throws Exception {
        long subject = JSON.readTree(post(http, base + "/api/subjects", admin, "application/json",
                "{\"code\":\"MATH\",\"name\":\"数学\"}")).get("id").asLong();
        long kp = JSON.readTree(post(http, base + "/api/knowledge-points", admin, "application/json",
                "{\"subjectId\":%d,\"code\":\"KP-1\",\"name\":\"算术平方根\",\"grade\":8}".formatted(subject))).get("id").asLong();
        List<Long> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(JSON.readTree(post(http, base + "/api/items", admin, "application/json", """
                    {"subjectId":%d,"code":"L-%d","type":"SINGLE_CHOICE","stem":"%d² 的算术平方根是（　　）",
                     "options":["%d","−%d","±%d","%d"],"answerKey":"A","bloomLevel":"REMEMBER","kpIds":[%d],
                     "explanation":"算术平方根取非负的那个。"}""".formatted(subject, i, i + 2, i + 2, i + 2, i + 2,
                    (i + 2) * (i + 2), kp))).get("id").asLong());
        }
        StringBuilder roster = new StringBuilder("username,display_name,role,class,grade,password\n");
        roster.append("live.teacher,李老师,teacher,,,").append(PASSWORD).append('\n');
        for (int s = 0; s < STUDENTS; s++) {
            roster.append("lv%04d,学生%04d,student,初二年级,8,%s%n".formatted(s, s, PASSWORD));
        }
        JsonNode job = JSON.readTree(post(http, base + "/api/roster", admin, "text/csv", roster.toString()));
        while (job.has("state") && !job.get("state").asString().equals("DONE")) {
            if (job.get("state").asString().equals("FAILED")) {
                throw new IllegalStateException("the roster import failed: " + job);
            }
            Thread.sleep(1000);
            job = JSON.readTree(get(http, base + "/api/roster/imports/" + job.get("id").asString(), admin));
        }
        long classId = -1;
        for (JsonNode c : JSON.readTree(get(http, base + "/api/classes", admin))) {
            classId = c.get("name").asString().equals("初二年级") ? c.get("id").asLong() : classId;
        }
        long teacherId = -1;
        for (JsonNode u : JSON.readTree(get(http, base + "/api/users?role=TEACHER&limit=10", admin))) {
            teacherId = u.get("username").asString().equals("live.teacher") ? u.get("id").asLong() : teacherId;
        }
        post(http, base + "/api/teaching-assignments", admin, "application/json",
                "{\"teacherId\":%d,\"classId\":%d,\"subjectId\":%d}".formatted(teacherId, classId, subject));
        return new Setup(classId, items);
    }

    /** Each student's token (signing in once; the first sign-in also upgrades the imported password hash). */
    private static List<String> signIn(HttpClient http, String base) throws Exception {
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int s = next.getAndIncrement(); s < STUDENTS; s = next.getAndIncrement()) {
                    try {
                        tokens.add(token(http, base, "lv%04d".formatted(s), PASSWORD));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return tokens;
    }

    /**
     * One phone: starts within the first {@code startWithin} seconds, saves an answer every
     * {@code slowest} × 6/11 to {@code slowest} seconds (four in five right), then submits.
     */
    private static void answer(HttpClient http, String base, String token, long assignment, Setup setup, Random random,
            long started, double startWithin, double slowest, ConcurrentLinkedQueue<Long> confirmed,
            ConcurrentLinkedQueue<Double> saveMillis,
            ConcurrentLinkedQueue<long[]> saves, ConcurrentLinkedQueue<Double> submitMillis, AtomicInteger failures) {
        try {
            long at = started + (long) (random.nextDouble() * startWithin * 1e9);
            for (long item : setup.itemIds()) {
                sleepUntil(at);
                String choice = random.nextDouble() < 0.8 ? "A" : String.valueOf("BCD".charAt(random.nextInt(3)));
                long sent = System.nanoTime();
                int status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/me/tasks/" + assignment + "/answers/" + item))
                                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"answer\":\"" + choice + "\"}")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                long done = System.nanoTime();
                if (status == 204) {
                    confirmed.add(done);
                    saveMillis.add((done - sent) / 1e6);
                    saves.add(new long[] {done, done - sent});
                } else {
                    failures.incrementAndGet();
                }
                at += (long) ((6 + random.nextDouble() * 5) / 11 * slowest * 1e9);
            }
            long sent = System.nanoTime();
            int status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/me/tasks/" + assignment + "/submit"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                submitMillis.add((System.nanoTime() - sent) / 1e6);
            } else {
                failures.incrementAndGet();
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    /** The teacher's page: every 'live' event with the answers it counts. */
    private static void follow(HttpClient http, String base, String token, long assignment,
            ConcurrentLinkedQueue<Event> events, CountDownLatch following) {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/api/assignments/" + assignment + "/live/stream"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            following.countDown();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("data:")) {
                        long at = System.nanoTime();
                        JsonNode view = JSON.readTree(line.substring(5));
                        int answered = 0;
                        for (JsonNode item : view.get("items")) {
                            answered += item.get("answered").asInt();
                        }
                        events.add(new Event(at, answered, view.get("submitted").asInt(), line.length()));
                    }
                }
            }
        } catch (Exception e) {
            following.countDown();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
