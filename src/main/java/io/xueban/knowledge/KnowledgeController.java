package io.xueban.knowledge;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;
import io.xueban.system.Problems;

/** The school's library (名师智库): upload, follow ingestion, list, delete, search. Staff only. */
@RestController
@RequestMapping("/api/knowledge")
@Validated
class KnowledgeController {

    private static final Duration PROGRESS_POLL = Duration.ofMillis(250);
    private static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(15);

    private final KnowledgeIngestion ingestion;
    private final KnowledgeStore store;
    private final KnowledgeRetriever retriever;
    private final KnowledgeIndex index;
    private final AccessPolicy access;
    private final Problems problems;

    KnowledgeController(KnowledgeIngestion ingestion, KnowledgeStore store, KnowledgeRetriever retriever,
            KnowledgeIndex index, AccessPolicy access, Problems problems) {
        this.ingestion = ingestion;
        this.store = store;
        this.retriever = retriever;
        this.index = index;
        this.access = access;
        this.problems = problems;
    }

    @PostMapping(path = "/documents", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Upload a Markdown, text, DOCX or PDF file with its metadata; 202 while it is ingested, "
            + "200 with duplicate=true when the same file is already in the library")
    ResponseEntity<DocumentView> upload(CurrentUser me,
            @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(required = false) String title,
            @RequestParam(required = false) Long subjectId,
            @RequestParam(required = false) Integer grade,
            @RequestParam(required = false) String unit,
            @RequestParam(required = false) List<Long> kpIds,
            @RequestParam(required = false) DocumentKind kind,
            @RequestParam(required = false) String author,
            @RequestParam(required = false) Visibility visibility) throws IOException {
        access.requireStaff(me);
        if (file == null) {
            throw ApiException.badRequest("file-missing");
        }
        DocumentMetadata metadata = new DocumentMetadata(title, subjectId, grade, unit,
                kpIds == null ? List.of() : kpIds, kind, author, visibility);
        KnowledgeIngestion.Upload upload = ingestion.upload(me.schoolId(), me.id(), file.getOriginalFilename(),
                file.getBytes(), metadata);
        DocumentView view = view(upload.document(), upload.duplicate());
        if (upload.duplicate()) {
            return ResponseEntity.ok(view);
        }
        return ResponseEntity.accepted()
                .location(URI.create("/api/knowledge/documents/" + view.id()))
                .body(view);
    }

    @GetMapping("/documents")
    @Operation(summary = "The library's documents the caller may see, newest first")
    List<DocumentView> list(CurrentUser me,
            @RequestParam(required = false) Long subjectId,
            @RequestParam(required = false) DocumentKind kind,
            @RequestParam(defaultValue = "0") @Min(0) int offset,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        access.requireStaff(me);
        return store.list(me.schoolId(), me.id(), subjectId, kind, offset, limit).stream()
                .map(document -> view(document, false))
                .toList();
    }

    @GetMapping("/documents/{id}")
    @Operation(summary = "One document and where its ingestion stands")
    DocumentView get(CurrentUser me, @PathVariable long id) {
        return view(readable(me, id), false);
    }

    @GetMapping(path = "/documents/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Ingestion progress as server-sent events: 'progress' while it runs, then 'ready' or "
            + "'failed', each carrying the document")
    SseEmitter events(CurrentUser me, @PathVariable long id) {
        readable(me, id);
        Locale locale = LocaleContextHolder.getLocale();
        SseEmitter emitter = new SseEmitter(PROGRESS_TIMEOUT.toMillis());
        Thread.ofVirtual().name("knowledge-progress-" + id).start(() -> followProgress(emitter, id, locale));
        return emitter;
    }

    private void followProgress(SseEmitter emitter, long id, Locale locale) {
        long deadline = System.nanoTime() + PROGRESS_TIMEOUT.toNanos();
        DocumentView last = null;
        try {
            while (System.nanoTime() < deadline) {
                KnowledgeDocument document = store.find(id).orElse(null);
                if (document == null) {
                    emitter.send(SseEmitter.event().name("deleted").data(Map.of("id", id)));
                    break;
                }
                LocaleContextHolder.setLocale(locale);
                DocumentView view = view(document, false);
                if (last == null || !view.status().equals(last.status()) || !view.progress().equals(last.progress())) {
                    String name = switch (document.status()) {
                        case READY -> "ready";
                        case FAILED -> "failed";
                        default -> "progress";
                    };
                    emitter.send(SseEmitter.event().name(name).data(view, MediaType.APPLICATION_JSON));
                    last = view;
                }
                if (document.status().finished()) {
                    break;
                }
                Thread.sleep(PROGRESS_POLL);
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e); // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } finally {
            LocaleContextHolder.resetLocaleContext();
        }
    }

    /** A passage as the reader shows it, in the document's order. */
    record PassageView(long chunkId, String headingPath, Integer page, String text) {
    }

    @GetMapping("/documents/{id}/passages")
    @Operation(summary = "The whole document as read for the library, passage by passage in order (to read it, "
            + "or open it at a passage a search found)")
    List<PassageView> passages(CurrentUser me, @PathVariable long id) {
        KnowledgeDocument document = readable(me, id);
        return store.chunksOf(document.id()).stream()
                .map(c -> new PassageView(c.chunkId(), c.headingPath(), c.page(), c.text())).toList();
    }

    @GetMapping("/documents/{id}/file")
    @Operation(summary = "The original file, as it was uploaded")
    ResponseEntity<byte[]> file(CurrentUser me, @PathVariable long id) {
        KnowledgeDocument document = readable(me, id);
        MediaType type = switch (document.format()) {
            case MARKDOWN -> new MediaType("text", "markdown", java.nio.charset.StandardCharsets.UTF_8);
            case TEXT -> new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8);
            case DOCX -> MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
            case PDF -> MediaType.APPLICATION_PDF;
        };
        return ResponseEntity.ok().contentType(type)
                .header(org.springframework.http.HttpHeaders.CONTENT_DISPOSITION,
                        org.springframework.http.ContentDisposition.attachment()
                                .filename(document.fileName(), java.nio.charset.StandardCharsets.UTF_8).build().toString())
                .body(store.file(document.id()));
    }

    @DeleteMapping("/documents/{id}")
    @Operation(summary = "Remove a document with its passages (its uploader or an admin)")
    ResponseEntity<Void> delete(CurrentUser me, @PathVariable long id) {
        KnowledgeDocument document = readable(me, id);
        access.checkOwnerOrAdmin(me, document.ownerId(), "not-your-document");
        ingestion.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/search")
    @Operation(summary = "Search the library by meaning and by exact term; passages with citations")
    Map<String, Object> search(CurrentUser me,
            @RequestParam @Size(min = 1, max = 500) String q,
            @RequestParam(required = false) Long subjectId,
            @RequestParam(required = false) @Min(1) @Max(12) Integer grade,
            @RequestParam(required = false) Set<Long> kpId,
            @RequestParam(required = false) Set<DocumentKind> kind,
            @RequestParam(defaultValue = "5") @Min(1) @Max(50) int limit) {
        access.requireStaff(me);
        if (q.isBlank()) {
            throw ApiException.badRequest("query-blank");
        }
        long start = System.nanoTime();
        List<Passage> passages = retriever.retrieve(new KnowledgeQuery(me.schoolId(), me.id(), q.strip(), subjectId,
                grade, kpId, kind, limit));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("query", q.strip());
        result.put("results", passages.stream().map(passage -> Map.of(
                "chunkId", passage.chunkId(),
                "text", passage.text(),
                "citation", passage.citation(),
                "label", passage.citation().label(),
                "score", passage.score(),
                "matchedBy", passage.matchedBy())).toList());
        result.put("tookMs", (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    @GetMapping("/index")
    @Operation(summary = "This instance's search index: passages, how far it has caught up (admin)")
    Map<String, Object> indexStatus(CurrentUser me) {
        access.requireAdmin(me);
        return index.status();
    }

    @PostMapping("/index/rebuild")
    @Operation(summary = "Rebuild this instance's search index from the database (admin)")
    Map<String, Object> rebuild(CurrentUser me) {
        access.requireAdmin(me);
        long start = System.nanoTime();
        long passages = index.rebuild("asked by " + me.username());
        return Map.of("passages", passages, "tookMs", (System.nanoTime() - start) / 1_000_000);
    }

    private KnowledgeDocument readable(CurrentUser me, long id) {
        access.requireStaff(me);
        KnowledgeDocument document = store.find(id).orElseThrow(() -> ApiException.notFound("document", id));
        access.checkReadable(me, document.schoolId(), document.ownerId(),
                document.visibility() == Visibility.PRIVATE, "document", id);
        return document;
    }

    private DocumentView view(KnowledgeDocument d, boolean duplicate) {
        DocumentView.Error error = d.errorCode() == null ? null : new DocumentView.Error(d.errorCode(),
                problems.of(HttpStatus.UNPROCESSABLE_CONTENT, d.errorCode(), LocaleContextHolder.getLocale(),
                        d.fileName()).getDetail());
        return new DocumentView(d.id(), d.title(), d.fileName(), d.format(), d.sizeBytes(), d.subjectId(), d.grade(),
                d.unit(), d.kpIds(), d.kind(), d.author(), d.visibility(), d.ownerId(), d.status(),
                new DocumentView.Progress(d.chunksDone(), d.chunksTotal()), error, d.createdAt(), d.updatedAt(),
                duplicate);
    }
}
