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
 * {@code bench/knowledge}.
 */
public final class KnowledgeBenchmark {

    private static final int TARGET_CHUNKS = Integer.getInteger("bench.chunks", 10_000);
    private static final int QUERIES = Integer.getInteger("bench.queries", 500);

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext app = BenchApp.start("knowledge");
        try {
            run(app);
        } finally {
            app.close();
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
