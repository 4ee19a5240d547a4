package io.xueban.knowledge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;

/**
 * Finds library passages for lesson plans, tutoring and teachers' searches: a keyword search
 * (BM25 over smartcn-segmented words, good for exact terms) and a vector search (bge
 * embeddings, good for paraphrases) fused by reciprocal rank fusion. Only passages of the
 * query's school that its viewer may see are ever considered: the filter runs inside both
 * searches, not after them.
 */
@Service
public class KnowledgeRetriever {

    /** The usual RRF constant: damps the weight of the very first ranks. */
    static final int RRF_K = 60;
    /**
     * Weights of the two rankings in the fusion. Keyword search is the stronger one on the demo
     * evaluation set (recall@5 0.96 against 0.79); at equal weights fusion fell below it (0.92),
     * at half weight for vectors it keeps most of the keyword ranking and adds what only the
     * vectors find (0.94). The grid is in BENCHMARKS.md.
     */
    static final double KEYWORD_WEIGHT = 1.0;
    static final double VECTOR_WEIGHT = 0.5;
    private static final int MIN_CANDIDATES = 50;
    /** Shorter messages ("谢谢", "下一题", "为什么") get no vector search when their words find nothing. */
    static final int VECTOR_FALLBACK_MIN_CHARS = 8;

    /** KEYWORD_FIRST: keywords, and vectors only when the keywords find nothing in a real question. */
    enum Mode { KEYWORD, VECTOR, HYBRID, KEYWORD_FIRST }

    private final KnowledgeIndex index;
    private final Embeddings embeddings;

    KnowledgeRetriever(KnowledgeIndex index, Embeddings embeddings) {
        this.index = index;
        this.embeddings = embeddings;
    }

    /** The best passages for the query, best first, each with its citation. */
    public List<Passage> retrieve(KnowledgeQuery query) {
        return retrieve(query, Mode.HYBRID);
    }

    /**
     * Keyword search alone, without computing an embedding: for features that must answer within
     * a few milliseconds (learning paths), where the query is a knowledge point's own name.
     */
    public List<Passage> retrieveByKeywords(KnowledgeQuery query) {
        return retrieve(query, Mode.KEYWORD);
    }

    /**
     * Keyword search, and the vector search only when the keywords find nothing and the query is
     * long enough to be a question: for every message of the study buddy, where a query embedding
     * (about 10 ms of CPU) would be most of the message's cost. On the demo evaluation set
     * keywords alone rank better than the fusion (BENCHMARKS.md), so this costs no quality there.
     */
    public List<Passage> retrieveCheaply(KnowledgeQuery query) {
        return retrieve(query, Mode.KEYWORD_FIRST);
    }

    /** Changes whenever the searchable library changes: a result cached under another value may be stale. */
    public long generation() {
        return index.generation();
    }

    List<Passage> retrieve(KnowledgeQuery query, Mode mode) {
        KnowledgeIndex.Filter filter = new KnowledgeIndex.Filter(query.schoolId(), query.viewerId(),
                query.subjectId(), query.grade(), query.kpIds(), query.kinds(), query.documentIds());
        int candidates = Math.max(MIN_CANDIDATES, query.limit() * 5);
        List<KnowledgeIndex.Hit> keyword = mode == Mode.VECTOR
                ? List.of()
                : index.keywordSearch(query.text(), filter, candidates);
        boolean vectors = switch (mode) {
            case KEYWORD -> false;
            case VECTOR, HYBRID -> true;
            case KEYWORD_FIRST -> keyword.isEmpty() && query.text().strip().length() >= VECTOR_FALLBACK_MIN_CHARS;
        };
        List<KnowledgeIndex.Hit> vector = vectors
                ? index.vectorSearch(embeddings.query(query.text()), filter, candidates)
                : List.of();
        return fuse(keyword, vector, query.limit());
    }

    /** Weighted reciprocal rank fusion: score = Σ weight / (k + rank) over the lists a passage appears in. */
    static List<Passage> fuse(List<KnowledgeIndex.Hit> keyword, List<KnowledgeIndex.Hit> vector, int limit) {
        Map<Long, KnowledgeIndex.Hit> hits = new HashMap<>();
        Map<Long, Double> scores = new HashMap<>();
        Map<Long, Set<String>> matchedBy = new HashMap<>();
        addRanks(keyword, "keyword", KEYWORD_WEIGHT, hits, scores, matchedBy);
        addRanks(vector, "vector", VECTOR_WEIGHT, hits, scores, matchedBy);
        List<Long> order = new ArrayList<>(scores.keySet());
        order.sort((a, b) -> {
            int byScore = Double.compare(scores.get(b), scores.get(a));
            return byScore != 0 ? byScore : Long.compare(a, b);
        });
        List<Passage> passages = new ArrayList<>();
        for (long chunkId : order.subList(0, Math.min(limit, order.size()))) {
            KnowledgeIndex.Hit hit = hits.get(chunkId);
            passages.add(new Passage(chunkId, hit.text(), new Citation(hit.documentId(), hit.title(), hit.author(),
                    hit.kind(), hit.headingPath(), hit.page()), scores.get(chunkId), matchedBy.get(chunkId)));
        }
        return passages;
    }

    private static void addRanks(List<KnowledgeIndex.Hit> ranked, String source, double weight,
            Map<Long, KnowledgeIndex.Hit> hits, Map<Long, Double> scores, Map<Long, Set<String>> matchedBy) {
        for (int rank = 0; rank < ranked.size(); rank++) {
            KnowledgeIndex.Hit hit = ranked.get(rank);
            hits.putIfAbsent(hit.chunkId(), hit);
            scores.merge(hit.chunkId(), weight / (RRF_K + rank + 1), Double::sum);
            matchedBy.computeIfAbsent(hit.chunkId(), id -> new LinkedHashSet<>()).add(source);
        }
    }
}
