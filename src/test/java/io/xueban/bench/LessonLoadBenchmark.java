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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.xueban.bench.BenchSupport.client;
import static io.xueban.bench.BenchSupport.closeQuietly;
import static io.xueban.bench.BenchSupport.cpuNanos;
import static io.xueban.bench.BenchSupport.freePort;
import static io.xueban.bench.BenchSupport.percentile;

/**
 * The lesson benchmark (a command, not a test; run it with {@code bench/lesson-load}): students
 * talking to the study buddy over {@code POST /api/conversations/{id}/messages}, the path a class
 * uses, with the app in its own JVM pinned to one core and this driver plus the model stand-in
 * on the other. Students are made through the roster import and sign in for tokens; each keeps
 * one conversation, so every message after the first carries its history.
 *
 * <p>Phases: a lesson-start burst (the first {@code bench.burst} students each send a message at
 * a random moment within 10 s), steady open-loop arrivals at the given rates (Poisson, each
 * message from a random student not waiting for a reply), and, with {@code bench.hold}, a run
 * holding one open stream per student on a model server with a slot for each. Figures printed:
 * first token minus what the model server alone needs, replies by status, 429 latency, app CPU
 * per message, heap per open stream, model calls per message, the share of prompt characters a
 * prefix cache could serve, and the prompt characters left to compute per call.
 */
public final class LessonLoadBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = System.getProperty("bench.admin", "admin");
    private static final String ADMIN_PASSWORD = System.getProperty("bench.admin-password", "xueban2026");
    private static final String STUDENT_PASSWORD = "lesson-load-2026";
    private static final int ALONE_AT_ONCE = 4;
    private static final int BURST = Integer.getInteger("bench.burst", 1000);
    private static final Duration BURST_WINDOW = Duration.ofSeconds(10);
    private static final List<Double> RATES = Arrays.stream(System.getProperty("bench.rates", "5,10").split(","))
            .map(Double::valueOf).toList();
    private static final Duration STEADY = Duration.ofSeconds(Long.getLong("bench.steady-seconds", 60));
    /** The share of messages that go on with a conversation (a student answering the buddy's question). */
    private static final double FOLLOW_UP = Double.parseDouble(System.getProperty("bench.follow-up", "0.7"));
    /** How long a student reads a reply and types the next message. */
    private static final Duration THINK = Duration.ofSeconds(Long.getLong("bench.think-seconds", 15));
    private static final boolean HOLD = Boolean.getBoolean("bench.hold");
    /** With the holding phase: print this many lines of the app's class histogram at the plateau. */
    private static final int HISTOGRAM = Integer.getInteger("bench.histogram", 0);
    /** Print the last prompt of each phase, to see what a prefix cache cannot serve. */
    private static final boolean DUMP = Boolean.getBoolean("bench.dump");
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup-seconds", 90));
    /** The embedded default loads the demo school (and its library) on first start; PostgreSQL does not. */
    private static final boolean DEMO = Boolean.parseBoolean(System.getProperty("bench.demo", "true"));
    /** async-profiler's libasyncProfiler.so: with it, the first phase measured is profiled (itimer) to bench.profile-out. */
    private static final String PROFILER = System.getProperty("bench.profiler", "");
    private static final int CORES = Integer.getInteger("bench.cores", 2);
    /** The app's core, as taskset numbers them. */
    private static final String APP_CORE = System.getProperty("bench.app-core", "0");

    /** A model server as the issue describes it: slots, time to first token, tokens per second, reply length. */
    record Profile(String name, int slots, long ttftMillis, double tokensPerSecond, int replyTokens, int cacheBlocks) {

        static Profile named(String name) {
            // Prefix-cache capacity in 16-character blocks: about 8k tokens of KV cache per slot.
            return switch (name) {
                case "gpu" -> new Profile("one GPU", 64, 300, 20, 100, 64 * 8192 / 16);
                case "laptop" -> new Profile("laptop Ollama", 4, 300, 20, 100, 4 * 8192 / 16);
                default -> throw new IllegalArgumentException("profile gpu or laptop, not " + name);
            };
        }

        long callMillis() {
            return ttftMillis + (long) (replyTokens * 1000 / tokensPerSecond);
        }
    }

    /** What students type in a lesson on 勾股定理 and 二次根式, small talk included. */
    private static final List<String> MESSAGES = List.of(
            "勾股定理是什么意思？", "直角三角形的斜边怎么求？", "为什么是a²+b²=c²", "不会", "能给我一个提示吗",
            "我算出来是5，对吗？", "这道题的第一步应该做什么？", "谢谢", "√12怎么化简？", "二次根式有意义的条件是什么",
            "为什么被开方数不能是负数？", "下一题", "懂了", "3、4、5为什么能组成直角三角形", "还是不太明白，能换个说法吗",
            "勾股定理的逆定理怎么用？", "梯子靠在墙上那道题怎么列方程", "√2乘√8等于多少", "我觉得答案是4，对不对",
            "嗯", "最简二次根式怎么判断？", "再讲一遍", "分母有根号怎么办", "怎么判断三条边能不能组成直角三角形",
            "老师说要画图，我不知道怎么画", "为什么", "好的", "这一步我没看懂", "勾股数有哪些", "我错在哪里了？");

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).map(Integer::valueOf).toList()
                : List.of(1000, 5000);
        Profile profile = Profile.named(args.length > 1 ? args[1] : "gpu");
        int students = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        String reply = reply(profile.replyTokens());

        try (ScriptedModelServer server = new ScriptedModelServer().parallel(profile.slots())
                .firstTokenMillis(profile.ttftMillis()).tokensPerSecond(profile.tokensPerSecond())
                .when("", ScriptedModelServer.Reply.of(reply))) {
            System.out.printf("machine: %d cores visible to the driver, %s %s; app on core %s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), APP_CORE);
            System.out.printf("model server: %s, %d slots, TTFT %d ms, %.0f tokens/s, %d-token replies%n",
                    profile.name(), profile.slots(), profile.ttftMillis(), profile.tokensPerSecond(), profile.replyTokens());
            Latencies alone = modelAlone(server, profile);
            System.out.printf("model server alone (%d at once): first token p50 %.1f / p95 %.1f / p99 %.1f ms%n",
                    ALONE_AT_ONCE, alone.p(50), alone.p(95), alone.p(99));

            Path data = Files.createTempDirectory("xueban-lesson-load");
            // Seeded on every core (password hashing), then started again on its own core alone, as it is measured.
            App seeding = App.start(data, server, profile.slots(), profile, DEMO, true);
            List<Student> roster;
            try {
                long seedStart = System.nanoTime();
                roster = seed(seeding.base(), students);
                System.out.printf("seeded %d students through the roster import (sign-in, policy, one conversation each) in %.0f s%n",
                        roster.size(), (System.nanoTime() - seedStart) / 1e9);
            } finally {
                seeding.stop();
            }
            App app = App.start(data, server, profile.slots(), profile, false, false);
            try {
                Driver driver = new Driver(app, server, profile, alone);
                driver.warmUp(roster);
                for (int n : sizes) {
                    List<Student> class_ = roster.subList(0, n);
                    System.out.printf("%n======== %d students ========%n", n);
                    if (BURST > 0) {
                        driver.burst(class_.subList(0, Math.min(BURST, n)));
                    }
                    for (double rate : RATES) {
                        driver.steady(class_, rate, STEADY, FOLLOW_UP);
                    }
                    // The worst case for a prefix cache: every message from the student who spoke longest ago.
                    driver.steady(class_, RATES.getFirst(), STEADY, 0);
                }
            } finally {
                app.stop();
            }
            if (HOLD) {
                int n = students;
                Profile wide = new Profile("a slot per student", n, profile.ttftMillis(), 1, 80, profile.cacheBlocks());
                server.reset();
                server.parallel(n).tokensPerSecond(wide.tokensPerSecond()).when("", ScriptedModelServer.Reply.of(reply(wide.replyTokens())));
                App again = App.start(data, server, n, wide, false, false);
                try {
                    new Driver(again, server, wide, alone).hold(roster, wide);
                } finally {
                    again.stop();
                }
            }
        }
    }

    /** A reply of exactly this many tokens as the stand-in counts them (one per Chinese character). */
    private static String reply(int tokens) {
        String sentence = "我们先看直角三角形的两条直角边，想一想它们和斜边有什么关系。";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            text.append(sentence.charAt(i % sentence.length()));
        }
        return text.toString();
    }

    // --- the phases

    private static final class Driver {

        private final App app;
        private final ScriptedModelServer server;
        private final Profile profile;
        private final Latencies alone;
        private final HttpClient http = client();
        private final Random random = new Random(20261203L);
        private final PrefixCache cache;
        private int promptsSeen;
        private boolean profiled;

        private final String replyText;

        Driver(App app, ScriptedModelServer server, Profile profile, Latencies alone) {
            this.replyText = reply(profile.replyTokens()).strip();
            this.app = app;
            this.server = server;
            this.profile = profile;
            this.alone = alone;
            this.cache = new PrefixCache(profile.cacheBlocks());
        }

        void warmUp(List<Student> roster) throws Exception {
            Run run = new Run();
            openLoop(roster.subList(0, Math.min(500, roster.size())), 10, WARM_UP, run, FOLLOW_UP);
            prefixFigures(); // the warm-up's prompts fill the cache as a lesson's first minutes would
            System.out.printf("warm-up (JIT): %d messages at 10/s, %d replies%n", run.sent.get(), run.completed.get());
        }

        /** With bench.profiler, the first phase measured (the burst, or the first steady phase without one). */
        private boolean startProfile() throws Exception {
            boolean profiling = !PROFILER.isBlank() && !profiled;
            if (profiling) {
                app.profiler(PROFILER, "start,event=itimer,interval=1ms");
            }
            return profiling;
        }

        private void stopProfile() throws Exception {
            profiled = true;
            Path out = Path.of(System.getProperty("bench.profile-out", "target/lesson-load.collapsed")).toAbsolutePath();
            app.profiler(PROFILER, "stop,file=" + out + ",collapsed");
            System.out.println("profile of this phase: " + out);
        }

        void burst(List<Student> students) throws Exception {
            Run run = new Run();
            boolean profiling = startProfile();
            Usage before = Usage.of(app, server);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                long start = System.nanoTime();
                for (Student student : students) {
                    long at = start + (long) (random.nextDouble() * BURST_WINDOW.toNanos());
                    pool.submit(() -> {
                        sleepUntil(at);
                        send(student, run);
                        return null;
                    });
                }
                Thread.sleep(BURST_WINDOW.toMillis() + 1000);
                run.openAtPeak = run.open.get();
                run.heapAtPeak = app.liveHeap();
            }
            Usage after = Usage.of(app, server);
            if (profiling) {
                stopProfile();
            }
            System.out.printf("%n-- lesson-start burst: %d students, each one message within %d s --%n",
                    students.size(), BURST_WINDOW.toSeconds());
            run.printStatuses();
            System.out.printf("429 answered in p50 %.1f / p99 %.1f ms (max %.1f)%n", run.refusedMillis.p(50),
                    run.refusedMillis.p(99), run.refusedMillis.max());
            run.printFirstToken(alone);
            after.print(before, run.sent.get(), run.completed.get());
            System.out.printf("streams open 1 s after the burst: %d%n", run.openAtPeak);
            prefixFigures();
        }

        void steady(List<Student> students, double rate, Duration length, double followUp) throws Exception {
            Run run = new Run();
            boolean profiling = startProfile();
            Usage before = Usage.of(app, server);
            openLoop(students, rate, length, run, followUp);
            Usage after = Usage.of(app, server);
            if (profiling) {
                stopProfile();
            }
            System.out.printf("%n-- steady: %.1f messages/s for %d s, open loop, from %d students, %.0f%% of messages "
                            + "going on with a conversation --%n", rate, length.toSeconds(), students.size(), followUp * 100);
            run.printStatuses();
            run.printFirstToken(alone);
            after.print(before, run.sent.get(), run.completed.get());
            prefixFigures();
        }

        /** One open stream per student at once, on a model server with a slot for each. */
        void hold(List<Student> students, Profile wide) throws Exception {
            // First a message from every student, answered at once, 64 at a time: what a lesson warms
            // (the database's page cache, each student's context) is then in the idle heap, not
            // counted as the open streams' own.
            server.tokensPerSecond(10_000);
            Run warm = new Run();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Semaphore slots = new Semaphore(64);
                for (Student student : students) {
                    slots.acquire();
                    pool.submit(() -> {
                        try {
                            send(student, warm);
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
            System.out.printf("%nwarm pass before holding: %d messages, %d replies%n", warm.sent.get(), warm.completed.get());
            server.tokensPerSecond(wide.tokensPerSecond());
            Run run = new Run();
            long idleHeap = app.liveHeap();
            Map<String, long[]> idleClasses = HISTOGRAM > 0 ? app.histogram() : Map.of();
            Duration ramp = Duration.ofSeconds(60);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                long start = System.nanoTime();
                for (int i = 0; i < students.size(); i++) {
                    Student student = students.get(i);
                    long at = start + ramp.toNanos() * i / students.size();
                    pool.submit(() -> {
                        sleepUntil(at);
                        send(student, run);
                        return null;
                    });
                }
                sleepUntil(start + ramp.toNanos() + 2_000_000_000L);
                run.openAtPeak = run.open.get();
                run.heapAtPeak = app.liveHeap();
                if (HISTOGRAM > 0) {
                    System.out.println("live heap at the plateau less the idle heap, by class, per open stream:\n"
                            + App.growth(idleClasses, app.histogram(), run.openAtPeak, HISTOGRAM));
                }
            }
            double gap = 1000 / wide.tokensPerSecond();
            System.out.printf("%n-- holding streams: %d students each with an open reply (%d slots, %.0f tokens/s, %d tokens) --%n",
                    students.size(), wide.slots(), wide.tokensPerSecond(), wide.replyTokens());
            run.printStatuses();
            System.out.printf("open at the plateau: %d; live heap %.0f MB idle, +%.1f MB = %.1f KB per open stream%n",
                    run.openAtPeak, idleHeap / 1e6, (run.heapAtPeak - idleHeap) / 1e6,
                    run.openAtPeak == 0 ? 0 : (run.heapAtPeak - idleHeap) / 1024.0 / run.openAtPeak);
            System.out.printf("delay between chunks: p50 %.1f / p99 %.1f ms where the model sends one every %.0f ms: chunk delay p99 %.1f ms%n",
                    run.chunkGaps.p(50), run.chunkGaps.p(99), gap, run.chunkGaps.p(99) - gap);
        }

        /**
         * Poisson arrivals at {@code rate}. A share {@code followUp} of them are a student going on
         * with the conversation: the student whose reply ended most recently, at least
         * {@link #THINK} ago (reading it and typing); the rest a student who has not spoken for the
         * longest time. With 0, every message comes from the student who last spoke longest ago,
         * as if all of them took turns: the worst case for a prefix cache.
         */
        private void openLoop(List<Student> students, double rate, Duration length, Run run, double followUp)
                throws Exception {
            java.util.concurrent.ConcurrentLinkedDeque<Student> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();
            List<Student> shuffled = new ArrayList<>(students);
            java.util.Collections.shuffle(shuffled, random);
            idle.addAll(shuffled);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                long start = System.nanoTime();
                long end = start + length.toNanos();
                long next = start;
                while (true) {
                    next += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
                    if (next >= end) {
                        break;
                    }
                    sleepUntil(next);
                    Student student = random.nextDouble() < followUp ? followingUp(idle) : null;
                    if (student == null) {
                        student = idle.pollFirst();
                    }
                    if (student == null) {
                        run.skipped.incrementAndGet(); // every student is waiting for a reply
                        continue;
                    }
                    Student sender = student;
                    pool.submit(() -> {
                        try {
                            send(sender, run);
                        } finally {
                            sender.repliedAt().set(System.nanoTime());
                            idle.addLast(sender);
                        }
                        return null;
                    });
                }
            }
        }

        /** The student whose reply ended most recently but at least THINK ago; null when none. */
        private static Student followingUp(java.util.concurrent.ConcurrentLinkedDeque<Student> idle) {
            long latest = System.nanoTime() - THINK.toNanos();
            for (var it = idle.descendingIterator(); it.hasNext(); ) {
                Student candidate = it.next();
                long at = candidate.repliedAt().get();
                if (at != 0 && at <= latest && idle.removeFirstOccurrence(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        /** One message and its whole reply. */
        private void send(Student student, Run run) {
            String text = MESSAGES.get(Math.floorMod(student.turn.getAndIncrement() * 7 + student.index(), MESSAGES.size()));
            HttpRequest request = HttpRequest.newBuilder(URI.create(app.base() + "/api/conversations/"
                            + student.conversation() + "/messages"))
                    .header("Authorization", "Bearer " + student.token()).header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(3))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("content", text)))).build();
            run.sent.incrementAndGet();
            long sent = System.nanoTime();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException | InterruptedException e) {
                run.dropped.incrementAndGet();
                return;
            }
            double answered = (System.nanoTime() - sent) / 1e6;
            run.statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            if (response.statusCode() != 200) {
                if (!run.sampleBodies.containsKey(response.statusCode())) {
                    run.sampleBodies.putIfAbsent(response.statusCode(), readQuietly(response.body()));
                }
                if (response.statusCode() == 429) {
                    run.refusedMillis.add(answered);
                    if (response.headers().firstValue("retry-after").isEmpty()) {
                        run.without429Header.incrementAndGet();
                    }
                }
                closeQuietly(response.body());
                return;
            }
            run.open.incrementAndGet();
            boolean queued = false;
            long last = 0;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                        continue;
                    }
                    if (!line.startsWith("data:") || event == null) {
                        continue;
                    }
                    long now = System.nanoTime();
                    switch (event) {
                        case "queued" -> queued = true;
                        case "token" -> {
                            if (last == 0) {
                                (queued ? run.firstTokenQueued : run.firstToken).add((now - sent) / 1e6);
                            } else {
                                run.chunkGaps.add((now - last) / 1e6);
                            }
                            last = now;
                        }
                        case "done" -> {
                            run.completed.incrementAndGet();
                            run.replyMillis.add((now - sent) / 1e6);
                            return;
                        }
                        case "reply" -> run.careReplies.incrementAndGet();
                        case "blocked", "error" -> {
                            run.streamEnded.computeIfAbsent(event, e -> new AtomicInteger()).incrementAndGet();
                            return;
                        }
                        default -> { }
                    }
                    event = null;
                }
                run.dropped.incrementAndGet(); // the stream ended without done, blocked or error
            } catch (IOException e) {
                run.dropped.incrementAndGet();
            } finally {
                run.open.decrementAndGet();
            }
        }

        /** The share of prompt characters since the last call that a prefix cache could serve, and what is left. */
        private void prefixFigures() {
            List<JsonNode> requests = server.chatRequests();
            long total = 0;
            long served = 0;
            int calls = 0;
            for (JsonNode body : requests.subList(promptsSeen, requests.size())) {
                String prompt = PrefixCache.asPrompt(body);
                total += prompt.length();
                served += cache.serve(prompt);
                // The reply's own blocks are cached as it is generated (as vLLM does), for the next turn.
                cache.serve(prompt + PrefixCache.asMessage("assistant", replyText));
                calls++;
            }
            if (DUMP && requests.size() > promptsSeen) {
                JsonNode last = requests.getLast();
                System.out.println("the last prompt of the phase, message by message:");
                for (JsonNode message : last.path("messages")) {
                    String content = message.path("content").asString("");
                    System.out.printf("  %s, %d characters: %s%n", message.path("role").asString(""), content.length(),
                            content.replace("\n", "⏎"));
                }
            }
            promptsSeen = requests.size();
            if (calls > 0) {
                System.out.printf(Locale.ROOT, "prompts: %d calls, %.0f characters each on average; a prefix cache (%d blocks of 16) "
                                + "could serve %.3f of them; left to compute per call: %.0f prompt characters + %d output tokens%n",
                        calls, (double) total / calls, profile.cacheBlocks(), (double) served / total,
                        (double) (total - served) / calls, profile.replyTokens());
            }
        }
    }

    /** What one phase saw from the students' side. */
    private static final class Run {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger careReplies = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        final AtomicInteger without429Header = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> streamEnded = new ConcurrentHashMap<>();
        final Latencies firstToken = new Latencies();
        final Latencies firstTokenQueued = new Latencies();
        final Latencies refusedMillis = new Latencies();
        final Latencies chunkGaps = new Latencies();
        final Latencies replyMillis = new Latencies();
        /** The first answer of each status other than 200, to be printed. */
        final Map<Integer, String> sampleBodies = new ConcurrentHashMap<>();
        int openAtPeak;
        long heapAtPeak;

        void printStatuses() {
            Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            statuses.forEach((status, count) -> byStatus.put(status, count.get()));
            long fivexx = byStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
            System.out.printf("messages sent %d: replies by HTTP status %s; 5xx %d; dropped connections or cut streams %d; "
                            + "429 without Retry-After %d; replies completed %d, care replies %d, streams ended %s%s%n",
                    sent.get(), byStatus, fivexx, dropped.get(), without429Header.get(), completed.get(),
                    careReplies.get(), streamEnded, skipped.get() > 0 ? "; arrivals skipped (all students waiting) " + skipped.get() : "");
            sampleBodies.forEach((status, body) -> System.out.println("  e.g. " + status + " "
                    + body.substring(0, Math.min(300, body.length()))));
            if (replyMillis.size() > 0) {
                System.out.printf("whole reply (sent to done) p50 %.0f / p99 %.0f ms; delay between chunks p50 %.1f / p99 %.1f ms%n",
                        replyMillis.p(50), replyMillis.p(99), chunkGaps.p(50), chunkGaps.p(99));
            }
        }

        void printFirstToken(Latencies alone) {
            if (firstToken.size() > 0) {
                System.out.printf("first token, not queued for the model (n=%d): p50 %.1f / p95 %.1f / p99 %.1f ms; "
                                + "minus the model server alone: +%.1f / +%.1f / +%.1f ms%n",
                        firstToken.size(), firstToken.p(50), firstToken.p(95), firstToken.p(99),
                        firstToken.p(50) - alone.p(50), firstToken.p(95) - alone.p(95), firstToken.p(99) - alone.p(99));
            }
            if (firstTokenQueued.size() > 0) {
                System.out.printf("first token after waiting for a slot (n=%d): p50 %.0f / p99 %.0f ms%n",
                        firstTokenQueued.size(), firstTokenQueued.p(50), firstTokenQueued.p(99));
            }
        }
    }

    /** App CPU and model calls between two moments. */
    private record Usage(long cpuNanos, long compilerNanos, int modelCalls, long at, int mostAtOnce) {

        static Usage of(App app, ScriptedModelServer server) throws IOException {
            return new Usage(app.cpuNanos(), BenchSupport.compilerCpuNanos(app.process().pid()), server.requests(),
                    System.nanoTime(), server.maxInFlight());
        }

        void print(Usage before, int messages, int completed) {
            double cpuMs = (cpuNanos - before.cpuNanos) / 1e6;
            double compilerMs = (compilerNanos - before.compilerNanos) / 1e6;
            double seconds = (at - before.at) / 1e9;
            System.out.printf(Locale.ROOT, "app CPU %.0f ms over %.0f s (%.0f%% of its core) = %.2f ms per message, "
                            + "%.2f ms without the JIT compiler's %.0f ms; "
                            + "model calls %d = %.2f per message; most calls at once on the model server so far %d%n",
                    cpuMs, seconds, cpuMs / seconds / 10, messages == 0 ? 0 : cpuMs / messages,
                    messages == 0 ? 0 : (cpuMs - compilerMs) / messages, compilerMs,
                    modelCalls - before.modelCalls, messages == 0 ? 0 : (double) (modelCalls - before.modelCalls) / messages,
                    mostAtOnce);
        }
    }

    /**
     * A prefix cache as vLLM's and llama.cpp's work: the prompt in blocks of 16 characters, each
     * named by a hash of everything up to its end, so a block is served only when the whole
     * prefix before it matches; least recently used blocks leave first.
     */
    static final class PrefixCache {
        static final int BLOCK = 16;
        private final LinkedHashMap<Long, Boolean> blocks;

        PrefixCache(int capacity) {
            this.blocks = new LinkedHashMap<>(capacity, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** The characters of this prompt the cache holds already; the prompt's blocks are then cached. */
        long serve(String prompt) {
            long hash = 1125899906842597L;
            long served = 0;
            boolean matching = true;
            for (int end = BLOCK; end <= prompt.length(); end += BLOCK) {
                for (int i = end - BLOCK; i < end; i++) {
                    hash = 31 * hash + prompt.charAt(i);
                }
                long key = hash * 0x9E3779B97F4A7C15L;
                if (matching && blocks.get(key) != null) {
                    served += BLOCK;
                } else {
                    matching = false;
                    blocks.put(key, Boolean.TRUE);
                }
            }
            return served;
        }

        /** The messages as a chat template lays them out for the model: role, then content, in order. */
        static String asPrompt(JsonNode body) {
            StringBuilder prompt = new StringBuilder();
            for (JsonNode message : body.path("messages")) {
                prompt.append(asMessage(message.path("role").asString(""), message.path("content").asString("")));
            }
            return prompt.toString();
        }

        static String asMessage(String role, String content) {
            return "<|" + role + "|>\n" + content + "\n";
        }
    }

    /** Milliseconds, for percentiles. */
    private static final class Latencies {
        private final ConcurrentLinkedQueue<Double> values = new ConcurrentLinkedQueue<>();

        void add(double value) {
            values.add(value);
        }

        int size() {
            return values.size();
        }

        double p(double percentile) {
            return percentile(values, percentile);
        }

        double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    // --- the app, seeding

    private record Student(int index, String username, String token, long conversation, AtomicInteger turn,
                           AtomicLong repliedAt) {
    }

    private record App(Process process, String base, Path log) {

        /**
         * The app in its own JVM: on every core while {@code seeding} (this driver's affinity would
         * otherwise be inherited), else on the app's core alone from the start, so that the JVM sizes
         * its carrier, GC and compiler threads for the core it is measured on.
         */
        static App start(Path data, ScriptedModelServer server, int slots, Profile profile, boolean demo,
                boolean seeding) throws Exception {
            Path log = Files.createTempFile("xueban-lesson-load-app", ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            int port = freePort();
            List<String> command = new ArrayList<>(seeding
                    ? List.of("taskset", "-c", "0-" + (CORES - 1), java)
                    : List.of("taskset", "-c", APP_CORE, java, "-XX:ActiveProcessorCount=" + APP_CORE.split(",").length));
            command.addAll(List.of("-Xmx2g", "--enable-native-access=ALL-UNNAMED"));
            String jvm = System.getProperty("bench.app-jvm", "");
            if (!jvm.isBlank()) {
                command.addAll(Arrays.asList(jvm.strip().split("\\s+")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.xueban.XuebanApplication",
                    "--server.port=" + port,
                    "--xueban.data-dir=" + data,
                    "--xueban.llm.mode=configured",
                    "--xueban.llm.backends[0].name=scripted", "--xueban.llm.backends[0].kind=ollama",
                    "--xueban.llm.backends[0].base-url=" + server.ollamaUrl(),
                    "--xueban.llm.backends[0].slots=" + slots,
                    "--xueban.llm.queue.expected-call-time=" + profile.callMillis() + "ms",
                    "--xueban.safety.default-quiet-hours=",
                    "--logging.level.root=warn",
                    "--logging.level.io.xueban.knowledge.KnowledgeIngestion=info",
                    "--logging.level.io.xueban.demo=info"));
            String extra = System.getProperty("bench.app-args", "");
            if (!extra.isBlank()) {
                command.addAll(Arrays.asList(extra.strip().split("\\s+")));
            }
            System.out.println("app log: " + log);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            App app = new App(process, "http://127.0.0.1:" + port, log);
            app.awaitReady(demo);
            return app;
        }

        /** Up and, on a first start of the embedded default, with the demo school's library searchable. */
        void awaitReady(boolean demo) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 1200; i++) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the app stopped; see " + log);
                }
                try {
                    var health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    String text = Files.readString(log);
                    boolean libraryReady = !demo || text.contains("demo school loaded")
                            && count(text, " ready: ") >= documents(text);
                    if (health.statusCode() == 200 && libraryReady) {
                        Thread.sleep(1000);
                        return;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("the app did not come up; see " + log);
        }

        private static int documents(String log) {
            var matcher = java.util.regex.Pattern.compile("(\\d+) library documents").matcher(log);
            return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        }

        private static int count(String text, String fragment) {
            int count = 0;
            for (int at = text.indexOf(fragment); at >= 0; at = text.indexOf(fragment, at + 1)) {
                count++;
            }
            return count;
        }

        /** From here on the app runs on its own core, every thread of it. */
        long cpuNanos() throws IOException {
            return BenchSupport.cpuNanos(process.pid());
        }

        /** Live heap after a full collection, in bytes (jcmd GC.run, then GC.heap_info). */
        long liveHeap() throws Exception {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            Process info = new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
            String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            info.waitFor();
            // G1 prints one line for the heap ("garbage-first heap total …, used …"); the serial collector (the
            // JVM's choice on one core) one per generation ("DefNew …", "Tenured …"); metaspace is not heap.
            long usedK = 0;
            var used = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K");
            for (String line : text.lines().toList()) {
                var match = used.matcher(line);
                if (match.find() && !line.contains("Metaspace") && !line.contains("class space")) {
                    usedK += Long.parseLong(match.group(1));
                }
            }
            return usedK == 0 ? -1 : usedK * 1024;
        }

        /** Live instances and bytes by class, as {@code jcmd GC.class_histogram} counts them (after a full collection). */
        Map<String, long[]> histogram() throws Exception {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process info = new ProcessBuilder(jcmd, Long.toString(process.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            info.waitFor();
            Map<String, long[]> classes = new HashMap<>();
            var row = java.util.regex.Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
            for (String line : text.lines().toList()) {
                var match = row.matcher(line);
                if (match.find()) {
                    classes.put(match.group(3), new long[] {Long.parseLong(match.group(1)), Long.parseLong(match.group(2))});
                }
            }
            return classes;
        }

        /** The classes that grew most from {@code before} to {@code after}, per open stream. */
        static String growth(Map<String, long[]> before, Map<String, long[]> after, int open, int lines) {
            StringBuilder text = new StringBuilder("      bytes/stream  instances/stream  class\n");
            after.entrySet().stream()
                    .map(e -> {
                        long[] was = before.getOrDefault(e.getKey(), new long[2]);
                        return Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]});
                    })
                    .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                    .limit(lines)
                    .forEach(e -> text.append(String.format(Locale.ROOT, "  %14.0f  %16.1f  %s%n",
                            (double) e.getValue()[1] / open, (double) e.getValue()[0] / open, e.getKey())));
            return text.toString();
        }

        /** Loads async-profiler into the app and runs one command (attaching from here; jcmd mangles the options). */
        void profiler(String library, String command) throws Exception {
            var vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(process.pid()));
            try {
                vm.loadAgentPath(library, command);
            } finally {
                vm.detach();
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    /** Students through the roster import (as an admin uploads a class list), then signed in with a conversation each. */
    private static List<Student> seed(String base, int students) throws Exception {
        HttpClient http = client();
        String admin = token(http, base, ADMIN, ADMIN_PASSWORD);
        int perFile = 500; // imported within the request (larger files become background jobs)
        for (int from = 0; from < students; from += perFile) {
            StringBuilder csv = new StringBuilder("username,display_name,role,class,grade,password\n");
            for (int i = from; i < Math.min(students, from + perFile); i++) {
                csv.append("ll%05d,学生%05d,student,初二(%d)班,8,%s\n".formatted(i, i, 101 + i / 45, STUDENT_PASSWORD));
            }
            var response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/roster"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofString(csv.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("roster import answered " + response.statusCode() + ": " + response.body());
            }
        }
        return signIn(base, students);
    }

    /** Each student signs in for a token, accepts the AI-use policy and opens a conversation with the buddy. */
    private static List<Student> signIn(String base, int students) throws Exception {
        HttpClient http = client();
        Student[] all = new Student[students];
        Semaphore parallel = new Semaphore(4);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < students; i++) {
                int index = i;
                pool.submit(() -> {
                    parallel.acquire();
                    try {
                        String username = "ll%05d".formatted(index);
                        String token = token(http, base, username, STUDENT_PASSWORD);
                        post(http, base + "/api/ai-policy/accept", token, "{}");
                        JsonNode conversation = JSON.readTree(post(http, base + "/api/conversations", token, "{}"));
                        all[index] = new Student(index, username, token, conversation.get("id").asLong(), new AtomicInteger(),
                                new AtomicLong());
                    } finally {
                        parallel.release();
                    }
                    return null;
                });
            }
        }
        return List.of(all);
    }

    private static String token(HttpClient http, String base, String username, String password) throws Exception {
        String body = JSON.writeValueAsString(Map.of("username", username, "password", password, "name", "lesson-load"));
        return JSON.readTree(post(http, base + "/api/tokens", null, body)).get("token").asString();
    }

    private static String post(HttpClient http, String url, String token, String json) throws Exception {
        return BenchSupport.post(http, url, token, "application/json", json);
    }

    /** First-token times of the model server alone: 400 calls, {@link #ALONE_AT_ONCE} at a time. */
    private static Latencies modelAlone(ScriptedModelServer server, Profile profile) throws Exception {
        HttpClient http = client();
        Latencies ttft = new Latencies();
        AtomicLong next = new AtomicLong();
        int calls = 400;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < ALONE_AT_ONCE; w++) {
                pool.submit(() -> {
                    while (next.getAndIncrement() < calls) {
                        HttpRequest request = HttpRequest.newBuilder(URI.create(server.ollamaUrl() + "/api/chat"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"qwen2.5:7b\",\"messages\":[{\"role\":\"user\",\"content\":\"你好\"}]}"))
                                .build();
                        long sent = System.nanoTime();
                        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                            reader.readLine();
                            ttft.add((System.nanoTime() - sent) / 1e6);
                        } // hung up after the first token: the stand-in frees the slot
                        closeQuietly(response.body());
                    }
                    return null;
                });
            }
        }
        server.reset();
        server.parallel(profile.slots()).firstTokenMillis(profile.ttftMillis()).tokensPerSecond(profile.tokensPerSecond())
                .when("", ScriptedModelServer.Reply.of(reply(profile.replyTokens())));
        return ttft;
    }

    // --- small helpers

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String readQuietly(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
