package io.xueban.insight;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.password.PasswordEncoder;

import io.xueban.bench.BenchApp;
import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemRequest;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePointRequest;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.curriculum.Subjects;
import io.xueban.school.Roster;
import io.xueban.security.Role;
import tools.jackson.databind.json.JsonMapper;

/**
 * The learning-insight benchmark (a command, not a test): the app in process on a fresh
 * embedded database with one school of {@code -Dbench.students} students (default 2000, in
 * classes of 40), 30 knowledge points and 150 items. It measures: answers recorded through the
 * batch API (with their mastery updates) per second; the mastery update itself per answer; one
 * answer through the API; the class dashboard (40 students × 30 knowledge points); and the
 * school-wide refit (fit and replay of every history). Run it with {@code bench/insight}.
 */
public final class InsightBenchmark {

    private static final int STUDENTS = Integer.getInteger("bench.students", 2000);
    private static final int ANSWERS_PER_STUDENT = Integer.getInteger("bench.answers", 50);
    private static final int KPS = 30;
    private static final int ITEMS_PER_KP = 5;
    private static final int BATCH = 5000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext app = BenchApp.start("insight", "--xueban.llm.rate-limit.per-minute=100000");
        try {
            run(app);
        } finally {
            app.close();
        }
    }

    private static void run(ConfigurableApplicationContext app) throws Exception {
        Roster roster = app.getBean(Roster.class);
        Random random = new Random(7);
        long school = roster.createSchool("bench", "基准测试学校");
        String password = "bench-password-1";
        String hash = app.getBean(PasswordEncoder.class).encode(password);
        roster.createUser(school, "bench.admin", "管理员", Role.ADMIN, hash, true);
        long subject = app.getBean(Subjects.class).create(school, "math", "数学").id();
        KnowledgePoints kps = app.getBean(KnowledgePoints.class);
        Items items = app.getBean(Items.class);
        List<Long> itemIds = new ArrayList<>();
        double[] difficulty = new double[KPS * ITEMS_PER_KP];
        for (int k = 0; k < KPS; k++) {
            long kp = kps.create(school, new KnowledgePointRequest(subject, "KP-" + k, "知识点" + k, null, "单元", 8,
                    List.of())).id();
            for (int i = 0; i < ITEMS_PER_KP; i++) {
                difficulty[itemIds.size()] = random.nextGaussian();
                itemIds.add(items.create(school, new ItemRequest(subject, "I-" + k + "-" + i, ItemType.FILL_IN,
                        "第 " + k + "-" + i + " 题", null, "1", null, BloomLevel.APPLY, List.of(kp), null)));
            }
        }
        List<Long> classes = new ArrayList<>();
        List<Long> students = new ArrayList<>();
        double[] ability = new double[STUDENTS];
        for (int s = 0; s < STUDENTS; s++) {
            if (s % 40 == 0) {
                classes.add(roster.createClass(school, "班级" + (s / 40 + 1), 8));
            }
            long student = roster.createUser(school, "b" + s, "学生" + s, Role.STUDENT, "{noop}unused-password", true);
            roster.enrol(school, classes.getLast(), student);
            students.add(student);
            ability[s] = random.nextGaussian();
        }
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        HttpClient http = HttpClient.newHttpClient();
        String token = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tokens"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"bench.admin\",\"password\":\"" + password + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body()).get("token").asString();
        System.out.printf("machine: %d cores, Java %s; %d students in %d classes, %d knowledge points, %d items%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), STUDENTS, classes.size(), KPS, itemIds.size());

        // 1. Answers through the batch API, each updating the student's mastery in the same transaction
        List<String> answers = new ArrayList<>();
        for (int round = 0; round < ANSWERS_PER_STUDENT; round++) {
            for (int s = 0; s < STUDENTS; s++) {
                int item = random.nextInt(itemIds.size());
                boolean right = random.nextDouble() < 1 / (1 + Math.exp(-(ability[s] - difficulty[item] + 0.05 * round)));
                answers.add("{\"studentId\":%d,\"itemId\":%d,\"correct\":%b}".formatted(students.get(s), itemIds.get(item), right));
            }
        }
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        for (int from = 0; from < answers.size(); from += BATCH) {
            String body = "[" + String.join(",", answers.subList(from, Math.min(answers.size(), from + BATCH))) + "]";
            long t = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/responses/batch"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            rates.add(BATCH / ((System.nanoTime() - t) / 1e9));
            if (response.statusCode() != 201) {
                throw new IllegalStateException("batch answered " + response.statusCode() + ": " + response.body());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> warm = new ArrayList<>(rates.subList(rates.size() / 2, rates.size()));
        warm.sort(Double::compare);
        System.out.printf(Locale.ROOT, "batch API: %d answers in %.1f s = %.0f answers/s from a cold start; second half: "
                        + "median %.0f answers/s per batch (batches of %d, mastery updated in the same transaction)%n",
                answers.size(), seconds, answers.size() / seconds, warm.get(warm.size() / 2), BATCH);

        // 2. The mastery update itself, in process
        MasteryService mastery = app.getBean(MasteryService.class);
        SchoolModel model = mastery.model(school);
        StudentState state = new StudentState();
        long[] nanos = new long[200_000];
        for (int i = 0; i < nanos.length; i++) {
            long item = itemIds.get(random.nextInt(itemIds.size()));
            long t = System.nanoTime();
            state.observe(model, item, random.nextBoolean());
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "mastery update per answer (in process, after warm-up): p50 %.2f µs, p99 %.2f µs%n",
                nanos[nanos.length / 2] / 1e3, nanos[(int) (nanos.length * 0.99)] / 1e3);

        // 3. One answer through the API: stored, marked, mastery updated, committed
        long[] single = new long[500];
        for (int i = 0; i < single.length; i++) {
            String body = "{\"studentId\":%d,\"itemId\":%d,\"answer\":\"1\"}".formatted(students.get(random.nextInt(STUDENTS)),
                    itemIds.get(random.nextInt(itemIds.size())));
            long t = System.nanoTime();
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/responses"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            single[i] = System.nanoTime() - t;
        }
        Arrays.sort(single);
        System.out.printf(Locale.ROOT, "one answer through POST /api/responses: p50 %.1f ms, p99 %.1f ms%n",
                single[single.length / 2] / 1e6, single[(int) (single.length * 0.99)] / 1e6);

        // 4. The class dashboard
        long[] dashboard = new long[300];
        for (int i = 0; i < dashboard.length; i++) {
            long classId = classes.get(random.nextInt(classes.size()));
            long t = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/api/classes/" + classId + "/mastery")).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            dashboard[i] = System.nanoTime() - t;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("dashboard answered " + response.statusCode());
            }
        }
        Arrays.sort(dashboard);
        System.out.printf(Locale.ROOT, "class dashboard GET /api/classes/{id}/mastery (40 students × %d KPs): p50 %.1f ms, p99 %.1f ms%n",
                KPS, dashboard[dashboard.length / 2] / 1e6, dashboard[(int) (dashboard.length * 0.99)] / 1e6);

        // 5. School-wide refit: fit the model and replay every history
        MasteryService.Refit refit = mastery.refit(school);
        System.out.printf(Locale.ROOT, "school-wide refit: %d students, %d answers in %.1f s (fit + replay + store)%n",
                refit.students(), refit.responses(), refit.millis() / 1e3);
    }
}
