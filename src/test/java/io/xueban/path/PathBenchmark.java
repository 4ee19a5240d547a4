package io.xueban.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.xueban.bench.BenchApp;
import io.xueban.demo.DemoSchool;
import io.xueban.school.Roster;

/**
 * The learning-path benchmark (a command, not a test): the app in process with the demo school
 * and its library loaded, then, for every demo student, {@code -Dbench.rounds} times (default
 * 20): the path as the API returns it (mastery snapshot, plan, sentences, library resources); the
 * re-plan that follows a new answer (the same, plus recording it when it changed); and once per
 * class the tiered class view. Prints percentiles. Run it with {@code bench/paths}.
 */
public final class PathBenchmark {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 20);

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext app = BenchApp.start("paths");
        try {
            run(app);
        } finally {
            app.close();
        }
    }

    private static void run(ConfigurableApplicationContext app) throws Exception {
        long loading = System.nanoTime();
        app.getBean(DemoSchool.class).load();
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        long school = app.getBean(Roster.class).schoolByCode("demo").orElseThrow();
        // The library is ingested in the background: wait for it, so that steps carry their resources.
        while (jdbc.sql("SELECT COUNT(*) FROM kb_document WHERE status IN ('PENDING', 'PROCESSING')")
                .query(Long.class).single() > 0) {
            Thread.sleep(250);
        }
        System.out.printf(Locale.ROOT, "Demo school and library loaded in %.1f s%n", (System.nanoTime() - loading) / 1e9);

        LearningPaths paths = app.getBean(LearningPaths.class);
        PathRecords records = app.getBean(PathRecords.class);
        ClassPaths classes = app.getBean(ClassPaths.class);
        List<Long> students = jdbc.sql("SELECT id FROM app_user WHERE school_id = ? AND role = 'STUDENT' ORDER BY id")
                .param(school).query(Long.class).list();
        List<Long> classIds = jdbc.sql("SELECT id FROM class_group WHERE school_id = ? ORDER BY id")
                .param(school).query(Long.class).list();
        long subject = jdbc.sql("SELECT id FROM subject WHERE school_id = ? ORDER BY id LIMIT 1").param(school)
                .query(Long.class).single();

        // Warm-up: class loading, JIT, caches of curriculum and library passages.
        for (long student : students) {
            paths.pathFor(school, student, subject);
        }

        List<Long> view = new ArrayList<>();
        List<Long> replan = new ArrayList<>();
        int steps = 0;
        int resources = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (long student : students) {
                long start = System.nanoTime();
                LearningPaths.Path path = paths.pathFor(school, student, subject);
                view.add(System.nanoTime() - start);
                steps += path.steps().size();
                resources += path.steps().stream().mapToInt(step -> step.resources().size()).sum();

                start = System.nanoTime();
                records.record(school, paths.pathFor(school, student, subject), PathRecords.Cause.RESPONSE);
                replan.add(System.nanoTime() - start);
            }
        }
        List<Long> classView = new ArrayList<>();
        for (int round = 0; round < Math.max(1, ROUNDS / 4); round++) {
            for (long classId : classIds) {
                long start = System.nanoTime();
                classes.of(school, classId, subject);
                classView.add(System.nanoTime() - start);
            }
        }
        int calls = ROUNDS * students.size();
        System.out.printf(Locale.ROOT, "%d demo students, %d rounds: %.1f steps and %.1f library resources per path%n",
                students.size(), ROUNDS, steps / (double) calls, resources / (double) calls);
        print("Path of one student (snapshot, plan, sentences, resources)", view);
        print("Re-plan after an answer (the above, plus recording a change)", replan);
        print("Class view, tiers and next steps (" + students.size() / classIds.size() + " students)", classView);
    }

    private static void print(String what, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%-62s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%d)%n", what,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.9)] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6, sorted[sorted.length - 1] / 1e6,
                sorted.length);
    }
}
