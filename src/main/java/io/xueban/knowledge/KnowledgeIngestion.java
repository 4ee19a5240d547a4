package io.xueban.knowledge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.xueban.system.Hashes;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.curriculum.Subjects;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * Takes files into the library. An upload is checked at once (format, size, readable text) and
 * stored whole with its metadata, or rejected with nothing stored; chunking and embedding then
 * run in the background, and the chunks become searchable together in one transaction. The
 * same file uploaded again is found by its hash and not stored twice.
 */
@Service
public class KnowledgeIngestion implements SmartLifecycle {

    /** A document PROCESSING for longer than this was left behind by a stopped instance. */
    private static final Duration STALLED = Duration.ofMinutes(10);
    private static final int EMBEDDING_BATCH = 8;
    /** Passages one document may have (about five million characters); a longer one is refused whole. */
    static final int MAX_PASSAGES = 10_000;
    /** Documents ingested at once: one teacher's long file does not hold up everyone else's. */
    static final int WORKERS = 2;

    private static final Logger log = LoggerFactory.getLogger(KnowledgeIngestion.class);

    private final KnowledgeStore store;
    private final KnowledgeIndex index;
    private final TextExtractor extractor;
    private final Embeddings embeddings;
    private final KnowledgeSettings settings;
    private final KnowledgePoints knowledgePoints;
    private final Subjects subjects;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Chunker chunker;
    private ExecutorService worker;
    private volatile boolean running;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    /** Documents waiting, per owner in upload order; owners take turns (guarded by itself). */
    private final Map<Long, Deque<Long>> waiting = new LinkedHashMap<>();
    /** How many documents of each owner are being ingested now (guarded by {@link #waiting}). */
    private final Map<Long, Integer> inHand = new HashMap<>();

    /** The stored document, and whether it was already there. */
    record Upload(KnowledgeDocument document, boolean duplicate) {
    }

    KnowledgeIngestion(KnowledgeStore store, KnowledgeIndex index, TextExtractor extractor, Embeddings embeddings,
            KnowledgeSettings settings, KnowledgePoints knowledgePoints, Subjects subjects,
            TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.index = index;
        this.extractor = extractor;
        this.embeddings = embeddings;
        this.settings = settings;
        this.knowledgePoints = knowledgePoints;
        this.subjects = subjects;
        this.transactions = transactions;
        this.clock = clock;
        this.chunker = new Chunker(settings.chunkMaxChars(), settings.chunkOverlapChars());
        // PDFBox keeps a font cache; by default in the home folder.
        if (System.getProperty("pdfbox.fontcache") == null) {
            Path fontCache = settings.cacheDir().resolve("pdfbox").toAbsolutePath();
            try {
                Files.createDirectories(fontCache);
                System.setProperty("pdfbox.fontcache", fontCache.toString());
            } catch (IOException e) {
                log.warn("No PDF font cache at {} ({}); PDFBox uses its default", fontCache, e.toString());
            }
        }
    }

    /**
     * Adds a file to a school's library (for loaders such as the demo school) and returns the
     * document's id; it becomes searchable when its background ingestion is done.
     */
    public long add(long schoolId, long ownerId, String fileName, byte[] content, DocumentMetadata metadata) {
        return upload(schoolId, ownerId, fileName, content, metadata).document().id();
    }

    Upload upload(long schoolId, long ownerId, String fileName, byte[] content, DocumentMetadata metadata) {
        String name = fileName == null || fileName.isBlank() ? "" : fileName.strip();
        SourceFormat format = SourceFormat.ofFileName(name)
                .orElseThrow(() -> new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-file-type",
                        name.isEmpty() ? "?" : name));
        if (content.length > settings.maxFileSize().toBytes()) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "file-too-large", name,
                    settings.maxFileSize().toMegabytes());
        }
        List<Block> blocks = extractor.extract(content, format);
        if (chunker.chunkWithin(blocks, MAX_PASSAGES).isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "document-too-many-passages", name, MAX_PASSAGES);
        }
        DocumentMetadata checked = checked(schoolId, metadata, blocks, name);
        String hash = sha256(content);
        var existing = store.findVisibleByHash(schoolId, hash, ownerId);
        if (existing.isPresent()) {
            KnowledgeDocument document = existing.get();
            if (document.status() == DocumentStatus.FAILED) {
                store.requeue(document.id());
                submit(document.id());
            }
            return new Upload(store.find(document.id()).orElseThrow(), true);
        }
        long id = transactions.execute(tx -> store.insert(schoolId, ownerId, name, format, content, hash, checked));
        submit(id);
        return new Upload(store.find(id).orElseThrow(), false);
    }

    /** The metadata with defaults filled in, after checking it names the school's own subject and KPs. */
    private DocumentMetadata checked(long schoolId, DocumentMetadata metadata, List<Block> blocks, String fileName) {
        if (metadata.subjectId() != null) {
            subjects.require(schoolId, metadata.subjectId());
        }
        List<Long> kps = metadata.kpIds() == null ? List.of() : List.copyOf(new LinkedHashSet<>(metadata.kpIds()));
        List<Long> known = knowledgePoints.existing(schoolId, kps);
        for (long kp : kps) {
            if (!known.contains(kp)) {
                throw ApiException.badRequest("unknown-knowledge-point", kp);
            }
        }
        if (metadata.grade() != null && (metadata.grade() < 1 || metadata.grade() > 12)) {
            throw ApiException.badRequest("grade-out-of-range", metadata.grade());
        }
        String title = blankToNull(metadata.title());
        if (title == null) {
            title = blocks.stream().filter(block -> block.kind() == Block.Kind.HEADING).map(Block::text)
                    .findFirst().orElse(fileName.replaceFirst("\\.[^.]+$", ""));
        }
        return new DocumentMetadata(limit("title", title, 300), metadata.subjectId(), metadata.grade(),
                limit("unit", blankToNull(metadata.unit()), 200), kps,
                metadata.kind() == null ? DocumentKind.OTHER : metadata.kind(),
                limit("author", blankToNull(metadata.author()), 100),
                metadata.visibility() == null ? Visibility.SCHOOL : metadata.visibility());
    }

    private static String limit(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest("field-too-long", field, max);
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Removes a document, its chunks and, at once on this instance, its index entries. */
    void delete(long documentId) {
        transactions.executeWithoutResult(tx -> store.delete(documentId));
        index.catchUp();
    }

    /** Queues a document for ingestion once the transaction that stored it (if any) has committed. */
    private void submit(long documentId) {
        Db.afterCommit(() -> queue(documentId));
    }

    private void queue(long documentId) {
        ExecutorService executor = worker;
        if (executor == null || executor.isShutdown()) {
            return;
        }
        long owner = store.find(documentId).map(KnowledgeDocument::ownerId).orElse(0L);
        synchronized (waiting) {
            waiting.computeIfAbsent(owner, key -> new ArrayDeque<>()).add(documentId);
        }
        executor.execute(this::ingestNext);
    }

    /**
     * Ingests the next waiting document: of the owner who waited longest among those with none in
     * hand (else of the one who waited longest), who then goes to the back of the line.
     */
    private void ingestNext() {
        long owner;
        long documentId;
        synchronized (waiting) {
            if (waiting.isEmpty()) {
                return;
            }
            owner = waiting.keySet().stream().filter(o -> !inHand.containsKey(o)).findFirst()
                    .orElse(waiting.keySet().iterator().next());
            Deque<Long> documents = waiting.remove(owner);
            documentId = documents.removeFirst();
            if (!documents.isEmpty()) {
                waiting.put(owner, documents);
            }
            inHand.merge(owner, 1, Integer::sum);
        }
        try {
            ingest(documentId);
        } finally {
            synchronized (waiting) {
                inHand.computeIfPresent(owner, (key, count) -> count == 1 ? null : count - 1);
            }
        }
    }

    /** Chunks and embeds one document; its chunks appear all at once, or the document is marked failed. */
    void ingest(long documentId) {
        // Stopping: leave it PENDING for the next start (here or on another instance).
        if (!running || !store.claim(documentId)) {
            return;
        }
        inFlight.add(documentId);
        KnowledgeDocument document = store.find(documentId).orElse(null);
        if (document == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            List<ChunkDraft> chunks = chunker.chunkWithin(extractor.extract(store.file(documentId), document.format()),
                    MAX_PASSAGES).orElseThrow(() -> ApiException.badRequest("document-too-many-passages",
                            document.fileName(), MAX_PASSAGES));
            store.progress(documentId, 0, chunks.size());
            List<float[]> vectors = new ArrayList<>(chunks.size());
            for (int from = 0; from < chunks.size(); from += EMBEDDING_BATCH) {
                List<String> texts = chunks.subList(from, Math.min(chunks.size(), from + EMBEDDING_BATCH)).stream()
                        .map(chunk -> KnowledgeIndex.searchableText(document.title(), chunk.headingPath(), chunk.text()))
                        .toList();
                vectors.addAll(embeddings.passages(texts));
                store.progress(documentId, vectors.size(), chunks.size());
            }
            boolean stored = Boolean.TRUE.equals(transactions.execute(tx -> {
                if (store.find(documentId).isEmpty()) {
                    return false;
                }
                store.saveChunks(document, chunks, vectors);
                return true;
            }));
            if (stored) {
                // Searchable here first, then READY: a client told "ready" finds it at once.
                index.add(documentId);
                store.markReady(documentId).ifPresent(index::alreadyApplied);
                index.catchUp();
                log.info("Library document {} ({}) ready: {} passages in {} ms", documentId, document.fileName(),
                        chunks.size(), (System.nanoTime() - start) / 1_000_000);
            }
        } catch (ApiException e) {
            store.markFailed(documentId, e.code());
        } catch (RuntimeException | AssertionError e) {
            if (running && !(e instanceof Embeddings.ShuttingDownException)) {
                log.error("Ingestion of library document {} failed", documentId, e);
                index.remove(documentId);
                store.markFailed(documentId, "ingestion-failed");
            } else {
                store.requeue(documentId);
            }
        } finally {
            inFlight.remove(documentId);
        }
    }

    static String sha256(byte[] content) {
        return Hashes.sha256(content);
    }

    @Override
    public void start() {
        worker = Executors.newFixedThreadPool(WORKERS, Thread.ofPlatform().name("knowledge-ingestion-", 0).daemon().factory());
        running = true;
        List<Long> unfinished = store.unfinished(clock.instant().minus(STALLED));
        if (!unfinished.isEmpty()) {
            log.info("Resuming ingestion of {} library documents", unfinished.size());
        }
        for (long id : unfinished) {
            store.requeue(id);
            submit(id);
        }
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            // No interrupt: Lucene's IndexWriter must not be interrupted in the middle of I/O (it
            // would close itself). Queued documents return at once; the one in hand is finished.
            worker.shutdown();
            try {
                if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
                    worker.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Cut off by shutdown: the next start (here or on another instance) takes them again.
        inFlight.forEach(store::requeue);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
