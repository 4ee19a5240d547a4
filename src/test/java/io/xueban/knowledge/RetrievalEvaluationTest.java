package io.xueban.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.xueban.XuebanTest;
import io.xueban.demo.DemoLibrary;
import io.xueban.demo.DemoSchool;
import io.xueban.school.Roster;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retrieval quality on the demo library: the teacher queries in
 * {@code knowledge/eval-queries.json}, each with the documents that should come back, searched
 * by keywords only, by vectors only and by both fused. Passages are ranked, then reduced to
 * their documents in order of first appearance; recall@5 is the share of a query's relevant
 * documents among the first five documents, MRR the mean reciprocal rank of the first relevant
 * document (within ten). The figures are printed and written to
 * {@code target/retrieval-evaluation.txt}.
 */
@XuebanTest
class RetrievalEvaluationTest {

    record EvalQuery(String query, String type, List<String> relevant) {
    }

    record Score(double recallAt5, double mrr) {
    }

    @Autowired
    DemoSchool demo;
    @Autowired
    Roster roster;
    @Autowired
    KnowledgeRetriever retriever;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;

    @Test
    void hybridRetrievalFindsWhatTeachersAskFor() throws Exception {
        demo.load();
        long school = roster.schoolByCode("demo").orElseThrow();
        Map<String, Long> documents = new HashMap<>();
        jdbc.sql("SELECT id, file_name FROM kb_document WHERE school_id = ?").param(school)
                .query(rs -> {
                    documents.put(rs.getString("file_name"), rs.getLong("id"));
                });
        assertThat(documents).hasSize(DemoLibrary.entries().size());
        assertThat(KnowledgeTesting.awaitFinished(jdbc, documents.values(), Duration.ofMinutes(10))).containsOnly("READY");

        List<EvalQuery> queries = queries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(60);
        queries.forEach(q -> assertThat(documents.keySet()).as(q.query()).containsAll(q.relevant()));

        Map<KnowledgeRetriever.Mode, Map<String, Score>> results = new EnumMap<>(KnowledgeRetriever.Mode.class);
        List<String> misses = new ArrayList<>();
        for (KnowledgeRetriever.Mode mode : KnowledgeRetriever.Mode.values()) {
            Map<String, List<Score>> byType = new HashMap<>();
            for (EvalQuery q : queries) {
                List<Long> ranked = rankedDocuments(school, q.query(), mode);
                Set<Long> relevant = new LinkedHashSet<>(q.relevant().stream().map(documents::get).toList());
                Score score = score(ranked, relevant);
                byType.computeIfAbsent("all", t -> new ArrayList<>()).add(score);
                byType.computeIfAbsent(q.type(), t -> new ArrayList<>()).add(score);
                if (mode == KnowledgeRetriever.Mode.HYBRID && score.recallAt5() < 1) {
                    misses.add("  %.2f  %s  (wanted %s)".formatted(score.recallAt5(), q.query(), q.relevant()));
                }
            }
            Map<String, Score> means = new HashMap<>();
            byType.forEach((type, scores) -> means.put(type, new Score(
                    scores.stream().mapToDouble(Score::recallAt5).average().orElse(0),
                    scores.stream().mapToDouble(Score::mrr).average().orElse(0))));
            results.put(mode, means);
        }

        String report = report(queries, results, misses);
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/retrieval-evaluation.txt"), report);

        assertThat(results.get(KnowledgeRetriever.Mode.KEYWORD_FIRST).get("all").recallAt5())
                .as("the study buddy's keyword-first recall@5 over %d queries", queries.size())
                .isGreaterThanOrEqualTo(0.9);
        assertThat(results.get(KnowledgeRetriever.Mode.HYBRID).get("all").recallAt5())
                .as("hybrid recall@5 over %d queries", queries.size())
                .isGreaterThanOrEqualTo(0.9);
    }

    private List<Long> rankedDocuments(long school, String query, KnowledgeRetriever.Mode mode) {
        List<Passage> passages = retriever.retrieve(KnowledgeQuery.of(school, query, 30), mode);
        return new ArrayList<>(new LinkedHashSet<>(passages.stream().map(p -> p.citation().documentId()).toList()));
    }

    static Score score(List<Long> ranked, Set<Long> relevant) {
        long found = ranked.stream().limit(5).filter(relevant::contains).count();
        double reciprocal = 0;
        for (int i = 0; i < Math.min(10, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                reciprocal = 1.0 / (i + 1);
                break;
            }
        }
        return new Score((double) found / relevant.size(), reciprocal);
    }

    private List<EvalQuery> queries() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/knowledge/eval-queries.json")) {
            return json.readValue(in, new TypeReference<List<EvalQuery>>() { });
        }
    }

    private static String report(List<EvalQuery> queries, Map<KnowledgeRetriever.Mode, Map<String, Score>> results,
            List<String> misses) {
        Map<String, Long> counts = new HashMap<>();
        queries.forEach(q -> counts.merge(q.type(), 1L, Long::sum));
        StringBuilder out = new StringBuilder();
        out.append("Retrieval evaluation: %d queries over the demo library (%s)%n".formatted(queries.size(), counts));
        out.append("%-8s %-11s %9s %7s%n".formatted("mode", "queries", "recall@5", "MRR"));
        for (var mode : results.entrySet()) {
            for (String type : List.of("all", "exact", "paraphrase", "kind")) {
                Score score = mode.getValue().get(type);
                if (score != null) {
                    out.append(String.format(Locale.ROOT, "%-8s %-11s %9.3f %7.3f%n",
                            mode.getKey().name().toLowerCase(Locale.ROOT), type, score.recallAt5(), score.mrr()));
                }
            }
        }
        out.append("Hybrid queries not fully recalled in the top 5 documents:%n".formatted());
        misses.forEach(miss -> out.append(miss).append('\n'));
        return out.toString();
    }
}
