package io.xueban.knowledge;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.xueban.bench.BenchApp;
import io.xueban.demo.DemoLibrary;
import io.xueban.school.Roster;
import io.xueban.security.Role;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The library benchmark (a command, not a test): starts the app in process on a fresh embedded
 * database, ingests copies of the demo library until it holds {@code -Dbench.chunks} passages
 * (default 10 000), then measures ingestion throughput, query latency (hybrid, keyword only,
 * vector only) and the time to rebuild the index from the database. Run it with
 * {@code bench/knowledge}. With {@code -Dbench.tiny-sections=N} it instead uploads one Markdown
 * file of N tiny sections (a heading and a sentence each) and, just after it, another teacher's
 * short note, and prints how many passages the long one became and when each was ready.
 */
public final class KnowledgeBenchmark {

    private static final int TARGET_CHUNKS = Integer.getInteger("bench.chunks", 10_000);
    private static final int QUERIES = Integer.getInteger("bench.queries", 500);
    private static final int TINY_SECTIONS = Integer.getInteger("bench.tiny-sections", 0);

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext app = BenchApp.start("knowledge");
        try {
            if (TINY_SECTIONS > 0) {
                tinySections(app);
                return;
            }
            run(app);
        } finally {
            app.close();
        }
    }

    private static void tinySections(ConfigurableApplicationContext app) throws Exception {
        Roster roster = app.getBean(Roster.class);
        KnowledgeIngestion ingestion = app.getBean(KnowledgeIngestion.class);
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        long school = roster.createSchool("bench", "基准测试学校");
        long first = roster.createUser(school, "bench.t1", "一号老师", Role.TEACHER, "{noop}unused-password-1", true);
        long second = roster.createUser(school, "bench.t2", "二号老师", Role.TEACHER, "{noop}unused-password-2", true);
        StringBuilder markdown = new StringBuilder();
        for (int i = 1; i <= TINY_SECTIONS; i++) {
            markdown.append("## 小节 ").append(i).append("\n\n第 ").append(i).append(" 条。\n\n");
        }
        byte[] file = markdown.toString().getBytes(StandardCharsets.UTF_8);
        DocumentMetadata metadata = new DocumentMetadata(null, null, null, null, List.of(), DocumentKind.OTHER, null,
                Visibility.SCHOOL);
        long start = System.nanoTime();
        long big = ingestion.add(school, first, "tiny-sections.md", file, metadata);
        double accepted = (System.nanoTime() - start) / 1e9;
        long small = ingestion.add(school, second, "note.md", "# 小结\n勾股定理的逆定理用于判定直角三角形。\n"
                .getBytes(StandardCharsets.UTF_8), metadata);
        double smallReady = awaitReady(jdbc, small, start);
        double bigReady = awaitReady(jdbc, big, start);
        int passages = jdbc.sql("SELECT COUNT(*) FROM kb_chunk WHERE document_id = ?").param(big).query(Integer.class).single();
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        System.out.printf(Locale.ROOT, "%d tiny sections (%.1f MB): accepted in %.1f s, %d passages (limit %d), ready after "
                        + "%.1f s; another teacher's note uploaded after it: ready after %.1f s%n", TINY_SECTIONS,
                file.length / 1e6, accepted, passages, KnowledgeIngestion.MAX_PASSAGES, bigReady, smallReady);
    }

    private static double awaitReady(JdbcClient jdbc, long id, long start) throws InterruptedException {
        while (true) {
            String status = jdbc.sql("SELECT status FROM kb_document WHERE id = ?").param(id).query(String.class).single();
            if (!status.equals("PENDING") && !status.equals("PROCESSING")) {
                if (!status.equals("READY")) {
                    throw new IllegalStateException("document " + id + " is " + status);
                }
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(100);
        }
    }

    private static void run(ConfigurableApplicationContext app) throws Exception {
        Roster roster = app.getBean(Roster.class);
        KnowledgeIngestion ingestion = app.getBean(KnowledgeIngestion.class);
        KnowledgeRetriever retriever = app.getBean(KnowledgeRetriever.class);
        KnowledgeIndex index = app.getBean(KnowledgeIndex.class);
        JdbcClient jdbc = app.getBean(JdbcClient.class);
        long school = roster.createSchool("bench", "基准测试学校");
        long owner = roster.createUser(school, "bench.admin", "管理员", Role.ADMIN, "{noop}unused-password-1", true);
        List<DemoLibrary.Entry> library = DemoLibrary.entries();
        System.out.printf("machine: %d cores, Java %s; demo library: %d documents; target %d passages%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), library.size(), TARGET_CHUNKS);

        long start = System.nanoTime();
        List<Long> ids = new ArrayList<>();
        long chunks = 0;
        for (int copy = 0; chunks < TARGET_CHUNKS; copy++) {
            List<Long> round = new ArrayList<>();
            for (DemoLibrary.Entry entry : library) {
                // Each copy differs by one line, so it is a new file rather than a duplicate.
                byte[] content = (new String(entry.content(), StandardCharsets.UTF_8) + "\n\n副本 " + copy + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                round.add(ingestion.add(school, owner, copy + "-" + entry.fileName(), content, new DocumentMetadata(
                        null, null, 8, null, List.of(), DocumentKind.OTHER, null, Visibility.SCHOOL)));
            }
            KnowledgeTesting.awaitFinished(jdbc, round, Duration.ofHours(1));
            ids.addAll(round);
            chunks = index.indexedCount();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  copy %d: %d documents, %d passages, %.0f s, %.1f passages/s%n",
                    copy + 1, ids.size(), chunks, seconds, chunks / seconds);
        }
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ingestion: %d documents, %d passages in %.1f s = %.1f passages/s "
                        + "(extract, chunk, embed, store, index; one ingestion worker, %d embedding threads)%n",
                ids.size(), chunks, ingestSeconds, chunks / ingestSeconds,
                app.getBean(KnowledgeSettings.class).embeddingThreads());

        List<String> queries = queries();
        for (KnowledgeRetriever.Mode mode : List.of(KnowledgeRetriever.Mode.HYBRID, KnowledgeRetriever.Mode.KEYWORD,
                KnowledgeRetriever.Mode.VECTOR)) {
            for (int i = 0; i < 50; i++) {
                retriever.retrieve(KnowledgeQuery.of(school, queries.get(i % queries.size()), 5), mode);
            }
            long[] nanos = new long[QUERIES];
            for (int i = 0; i < QUERIES; i++) {
                long t = System.nanoTime();
                retriever.retrieve(KnowledgeQuery.of(school, queries.get(i % queries.size()), 5), mode);
                nanos[i] = System.nanoTime() - t;
            }
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "query %-7s over %d passages: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d queries, one at a time)%n",
                    mode.name().toLowerCase(Locale.ROOT), chunks, nanos[QUERIES / 2] / 1e6,
                    nanos[(int) (QUERIES * 0.99)] / 1e6, nanos[QUERIES - 1] / 1e6, QUERIES);
        }

        List<Double> rebuilds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            index.rebuild("benchmark");
            rebuilds.add((System.nanoTime() - t) / 1e9);
        }
        Collections.sort(rebuilds);
        System.out.printf(Locale.ROOT, "index rebuild from the database: %d passages in %.1f s (median of 3; min %.1f, max %.1f)%n",
                index.indexedCount(), rebuilds.get(1), rebuilds.get(0), rebuilds.get(2));
    }

    private static List<String> queries() throws Exception {
        try (InputStream in = KnowledgeBenchmark.class.getResourceAsStream("/knowledge/eval-queries.json")) {
            List<Map<String, Object>> entries = JsonMapper.builder().build().readValue(in, new TypeReference<>() { });
            return entries.stream().map(entry -> (String) entry.get("query")).toList();
        }
    }
}
