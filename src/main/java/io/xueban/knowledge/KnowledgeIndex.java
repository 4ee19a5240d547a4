package io.xueban.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This instance's Lucene index of the library: BM25 over the text (Chinese words segmented by
 * smartcn) and HNSW over the embeddings. It is derived from the database and never the only
 * copy of anything: at start it is rebuilt when missing, written by another schema or model,
 * or out of count with the database; otherwise it catches up with the change log, and it keeps
 * doing so every {@code sync-interval} to see changes made through other instances.
 */
@Component
class KnowledgeIndex implements SmartLifecycle {

    /** Raise when the fields change: an index of another layout is rebuilt at start. */
    static final String LAYOUT = "1";

    /** A gap in the change log older than this is a rolled-back insert, not a slow transaction. */
    private static final Duration GAP_GRACE = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(KnowledgeIndex.class);

    private final KnowledgeStore store;
    private final KnowledgeSettings settings;
    private final Analyzer analyzer = new SmartChineseAnalyzer();
    private final Set<Long> appliedAboveWatermark = new TreeSet<>();
    private Directory directory;
    private IndexWriter writer;
    private SearcherManager searchers;
    private ScheduledExecutorService syncer;
    private long watermark;
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean running;

    /** Which chunks a search may see and how to narrow them. */
    record Filter(long schoolId, Long viewerId, Long subjectId, Integer grade, Set<Long> kpIds,
            Set<DocumentKind> kinds, Set<Long> documentIds) {

        Filter(long schoolId, Long viewerId, Long subjectId, Integer grade, Set<Long> kpIds, Set<DocumentKind> kinds) {
            this(schoolId, viewerId, subjectId, grade, kpIds, kinds, Set.of());
        }
    }

    /** One passage found, with what a citation needs. */
    record Hit(long chunkId, long documentId, String title, String author, DocumentKind kind, String headingPath,
            Integer page, String text, float score) {
    }

    KnowledgeIndex(KnowledgeStore store, KnowledgeSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        try {
            directory = FSDirectory.open(settings.indexDir());
            Map<String, String> commit = lastCommit(directory);
            if (commit.isEmpty()) {
                // Whatever is there (a damaged or foreign index) is thrown away and built again.
                for (String file : directory.listAll()) {
                    directory.deleteFile(file);
                }
            }
            writer = new IndexWriter(directory, new IndexWriterConfig(analyzer).setOpenMode(commit.isEmpty()
                    ? IndexWriterConfig.OpenMode.CREATE
                    : IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
            searchers = new SearcherManager(writer, null);
            if (!LAYOUT.equals(commit.get("layout")) || !Embeddings.MODEL.equals(commit.get("model"))) {
                rebuild(commit.isEmpty() ? "no index yet" : "index written with another layout or model");
            } else {
                watermark = Long.parseLong(commit.getOrDefault("watermark", "0"));
                catchUp();
                long indexed = indexedCount();
                long stored = store.readyChunkCount();
                if (indexed != stored) {
                    rebuild("index holds " + indexed + " passages, the database " + stored);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the knowledge index at " + settings.indexDir(), e);
        }
        long every = settings.syncInterval().toMillis();
        syncer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("knowledge-sync").daemon().factory());
        syncer.scheduleWithFixedDelay(this::syncQuietly, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    /** The user data of the index's last commit; empty when there is no readable index. */
    private static Map<String, String> lastCommit(Directory directory) {
        try {
            return DirectoryReader.indexExists(directory)
                    ? SegmentInfos.readLatestCommit(directory).getUserData()
                    : Map.of();
        } catch (IOException | RuntimeException e) {
            log.warn("The knowledge index cannot be read and will be rebuilt: {}", e.toString());
            return Map.of();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (syncer != null) {
            // Not shutdownNow: an interrupt in the middle of a commit would close the IndexWriter.
            // (Outside the lock, which a sync in progress needs to finish.)
            syncer.shutdown();
            try {
                syncer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            try {
                if (searchers != null) {
                    searchers.close();
                }
                if (writer != null) {
                    writer.close();
                }
                if (directory != null) {
                    directory.close();
                }
            } catch (IOException e) {
                log.warn("Closing the knowledge index failed: {}", e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Opens before the demo school and the ingestion workers start, closes after them. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private void syncQuietly() {
        if (!running) {
            return;
        }
        try {
            catchUp();
        } catch (RuntimeException e) {
            log.warn("Knowledge index sync failed, retrying in {}: {}", settings.syncInterval(), e.toString());
        }
    }

    /** Applies the change log entries this index has not seen yet. */
    synchronized void catchUp() {
        List<KnowledgeStore.Change> changes = store.changesAfter(watermark);
        if (changes.isEmpty()) {
            return;
        }
        Set<Long> documents = new LinkedHashSet<>();
        for (KnowledgeStore.Change change : changes) {
            if (!appliedAboveWatermark.contains(change.id())) {
                documents.add(change.documentId());
            }
        }
        if (documents.isEmpty() && !advanceWatermark(changes)) {
            return;
        }
        try {
            for (long document : documents) {
                writer.deleteDocuments(new Term("doc", Long.toString(document)));
                for (IndexedChunk chunk : store.chunksOf(document)) {
                    writer.addDocument(document(chunk));
                }
            }
            changes.forEach(change -> appliedAboveWatermark.add(change.id()));
            advanceWatermark(changes);
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes a freshly ingested document searchable here before it is marked READY, so that READY
     * means "found by search" on the instance that ingested it.
     */
    synchronized void add(long documentId) {
        try {
            writer.deleteDocuments(new Term("doc", Long.toString(documentId)));
            for (IndexedChunk chunk : store.freshChunksOf(documentId)) {
                writer.addDocument(document(chunk));
            }
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes a document out of this index (its ingestion failed after {@link #add}). */
    synchronized void remove(long documentId) {
        try {
            writer.deleteDocuments(new Term("doc", Long.toString(documentId)));
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A change log entry whose effect this index already has (see {@link #add}). */
    synchronized void alreadyApplied(long changeId) {
        if (changeId > watermark) {
            appliedAboveWatermark.add(changeId);
        }
    }

    /** Moves the watermark over applied entries and over gaps too old to be filled; true if it moved. */
    private boolean advanceWatermark(List<KnowledgeStore.Change> changes) {
        long before = watermark;
        Instant graceEnd = Instant.now().minus(GAP_GRACE);
        for (KnowledgeStore.Change change : changes) {
            boolean gapBefore = change.id() > watermark + 1;
            if (!appliedAboveWatermark.contains(change.id()) || (gapBefore && change.createdAt().isAfter(graceEnd))) {
                break;
            }
            watermark = change.id();
        }
        appliedAboveWatermark.removeIf(id -> id <= watermark);
        return watermark != before;
    }

    /** Throws the index away and builds it again from the database. */
    synchronized long rebuild(String reason) {
        long start = System.nanoTime();
        long mark = store.lastChangeId();
        long[] count = {0};
        try {
            writer.deleteAll();
            store.forEachReadyChunk(chunk -> {
                try {
                    writer.addDocument(document(chunk));
                    count[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            watermark = mark;
            appliedAboveWatermark.clear();
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.info("Knowledge index rebuilt ({}): {} passages in {} ms", reason, count[0],
                (System.nanoTime() - start) / 1_000_000);
        return count[0];
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of("layout", LAYOUT, "model", Embeddings.MODEL,
                "watermark", Long.toString(watermark)).entrySet());
        writer.commit();
        searchers.maybeRefreshBlocking();
        generation.incrementAndGet();
    }

    /** Grows each time what search finds may have changed: results cached under an older value are stale. */
    long generation() {
        return generation.get();
    }

    long indexedCount() {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().numDocs();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized long watermark() {
        return watermark;
    }

    private Document document(IndexedChunk chunk) {
        Document doc = new Document();
        doc.add(new StoredField("chunk", chunk.chunkId()));
        doc.add(new KeywordField("doc", Long.toString(chunk.documentId()), Field.Store.YES));
        doc.add(new KeywordField("school", Long.toString(chunk.schoolId()), Field.Store.NO));
        doc.add(new KeywordField("scope", scope(chunk.visibility(), chunk.ownerId()), Field.Store.NO));
        if (chunk.subjectId() != null) {
            doc.add(new KeywordField("subject", chunk.subjectId().toString(), Field.Store.NO));
        }
        if (chunk.grade() != null) {
            doc.add(new KeywordField("grade", chunk.grade().toString(), Field.Store.NO));
        }
        for (long kp : chunk.kpIds()) {
            doc.add(new KeywordField("kp", Long.toString(kp), Field.Store.NO));
        }
        doc.add(new KeywordField("kind", chunk.kind().name(), Field.Store.YES));
        doc.add(new StoredField("title", chunk.title()));
        if (chunk.author() != null) {
            doc.add(new StoredField("author", chunk.author()));
        }
        doc.add(new StoredField("heading", chunk.headingPath()));
        if (chunk.page() != null) {
            doc.add(new StoredField("page", chunk.page()));
        }
        doc.add(new StoredField("content", chunk.text()));
        doc.add(new TextField("text", searchableText(chunk.title(), chunk.headingPath(), chunk.text()), Field.Store.NO));
        doc.add(new KnnFloatVectorField("vector", chunk.embedding(), VectorSimilarityFunction.DOT_PRODUCT));
        return doc;
    }

    /** What BM25 sees and the embedding is computed from: the passage with its title and headings. */
    static String searchableText(String title, String headingPath, String text) {
        String context = headingPath.isEmpty() ? title : title + Chunker.PATH_SEPARATOR + headingPath;
        return context + "\n" + text;
    }

    private static String scope(Visibility visibility, long ownerId) {
        return visibility == Visibility.SCHOOL ? "school" : "private:" + ownerId;
    }

    List<Hit> keywordSearch(String text, Filter filter, int k) {
        List<String> terms = terms(text);
        if (terms.isEmpty()) {
            return List.of();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        for (String term : terms) {
            query.add(new TermQuery(new Term("text", term)), Occur.SHOULD);
        }
        query.setMinimumNumberShouldMatch(1);
        query.add(filterQuery(filter), Occur.FILTER);
        return search(query.build(), k);
    }

    List<Hit> vectorSearch(float[] vector, Filter filter, int k) {
        return search(new KnnFloatVectorQuery("vector", vector, k, filterQuery(filter)), k);
    }

    /** The distinct words the analyzer makes of a query (stop words and punctuation dropped). */
    List<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(terms);
    }

    private static Query filterQuery(Filter filter) {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        query.add(new TermQuery(new Term("school", Long.toString(filter.schoolId()))), Occur.FILTER);
        BooleanQuery.Builder scopes = new BooleanQuery.Builder()
                .add(new TermQuery(new Term("scope", "school")), Occur.SHOULD);
        if (filter.viewerId() != null) {
            scopes.add(new TermQuery(new Term("scope", "private:" + filter.viewerId())), Occur.SHOULD);
        }
        query.add(scopes.build(), Occur.FILTER);
        if (filter.subjectId() != null) {
            query.add(new TermQuery(new Term("subject", filter.subjectId().toString())), Occur.FILTER);
        }
        if (filter.grade() != null) {
            query.add(new TermQuery(new Term("grade", filter.grade().toString())), Occur.FILTER);
        }
        anyOf(query, "kp", filter.kpIds() == null ? List.of() : filter.kpIds().stream().map(String::valueOf).toList());
        anyOf(query, "kind", filter.kinds() == null ? List.of() : filter.kinds().stream().map(Enum::name).toList());
        anyOf(query, "doc", filter.documentIds() == null ? List.of()
                : filter.documentIds().stream().map(String::valueOf).toList());
        return query.build();
    }

    private static void anyOf(BooleanQuery.Builder query, String field, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        values.forEach(value -> any.add(new TermQuery(new Term(field, value)), Occur.SHOULD));
        query.add(any.build(), Occur.FILTER);
    }

    private List<Hit> search(Query query, int k) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                TopDocs top = searcher.search(query, k);
                List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
                var stored = searcher.storedFields();
                for (ScoreDoc scored : top.scoreDocs) {
                    Document doc = stored.document(scored.doc);
                    var page = doc.getField("page");
                    hits.add(new Hit(doc.getField("chunk").numericValue().longValue(), Long.parseLong(doc.get("doc")),
                            doc.get("title"), doc.get("author"), DocumentKind.valueOf(doc.get("kind")),
                            doc.get("heading"), page == null ? null : page.numericValue().intValue(),
                            doc.get("content"), scored.score));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For the status endpoint: passages indexed here and how far this copy has caught up. */
    Map<String, Object> status() {
        Map<String, Object> status = new HashMap<>();
        status.put("passages", indexedCount());
        status.put("watermark", watermark());
        status.put("lastChange", store.lastChangeId());
        status.put("model", Embeddings.MODEL);
        return status;
    }
}
