package io.xueban.lessonplan;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;

/**
 * Lesson plans (一课一策): written for a class its teacher teaches, read by that teacher and the
 * school's admins, changed only by the teacher who asked for it.
 */
@RestController
@Validated
class LessonPlanController {

    static final String AI_LABEL = LessonPlanMarkdown.AI_LABEL;
    /** A progress stream ends by this time at the latest (the plan itself goes on being written). */
    static final java.time.Duration STREAM_TIMEOUT = java.time.Duration.ofMinutes(15);

    record Edit(@NotNull @Valid LessonDraft content, @Size(max = 500) String note) {
    }

    record Regenerate(@NotBlank @Size(max = 1000) String instruction) {
    }

    record VersionView(int version, LessonPlanStore.VersionSource source, String note, String createdBy, Instant createdAt,
            List<String> flags, LessonDraft content) {
    }

    /**
     * A plan as the API shows it; {@code aiGenerated} and {@code aiLabel} mark it as generated
     * content, as the labelling rules for AI-generated content ask. A failed plan has its
     * {@code failure} code and a sentence for the teacher on what happened and what to do.
     */
    record PlanView(long id, long classId, long subjectId, long teacherId, LessonPlanStore.Status status, String failure,
            String failureMessage, LessonPlanRequest request, int currentVersion, Integer acceptedVersion, Long libraryDocumentId,
            boolean aiGenerated, String aiLabel, Instant createdAt, Instant updatedAt, PlanContextView context,
            VersionView version, String markdown) {
    }

    /** What the plan was written from, without the prompt text. */
    record PlanContextView(String className, String subjectName, String lessonType, int duration,
            List<PlanContext.Point> knowledgePoints, List<PlanContext.Figure> figures, List<PlanContext.TierInfo> tiers,
            List<SourceView> sources) {
    }

    record SourceView(String label, long documentId, String citation) {
    }

    private final LessonPlanService service;
    private final LessonPlanVersions versions;
    private final LessonPlanStore store;
    private final LessonPlanEvents events;
    private final LessonTemplates templates;
    private final AccessPolicy access;
    private final MessageSource messages;

    LessonPlanController(LessonPlanService service, LessonPlanVersions versions, LessonPlanStore store,
            LessonPlanEvents events, LessonTemplates templates, AccessPolicy access, MessageSource messages) {
        this.service = service;
        this.messages = messages;
        this.versions = versions;
        this.store = store;
        this.events = events;
        this.templates = templates;
        this.access = access;
    }

    @PostMapping(path = "/api/lesson-plans", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Write a lesson plan for a class the teacher teaches (SSE: plan, stage, token, done, error). "
            + "With an Idempotency-Key, a repeat returns the same plan; the same key with another request is 422")
    SseEmitter create(CurrentUser me, @Valid @RequestBody LessonPlanRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) @Size(max = 100) String idempotencyKey) {
        if (!me.is(Role.TEACHER)) {
            throw ApiException.forbidden("lesson-plan-teachers-only");
        }
        access.checkClass(me, request.classId());
        LessonPlanService.Started started = service.start(me, request,
                idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.strip());
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        if (!events.subscribe(started.planId(), emitter)) {
            // Written already (a repeat): its state is all there is to say.
            finished(emitter, started.planId());
        }
        return emitter;
    }

    @GetMapping("/api/lesson-plans")
    @Operation(summary = "My lesson plans (an admin: the school's), newest first, without their content")
    List<PlanView> list(CurrentUser me, @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        access.requireStaff(me);
        return store.list(me.schoolId(), me.is(Role.ADMIN) ? null : me.id(), limit).stream()
                .map(plan -> view(plan, null, null))
                .toList();
    }

    @GetMapping("/api/lesson-plans/{id}")
    @Operation(summary = "A plan with its current version (or ?version=N), rendered as Markdown too")
    PlanView get(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Integer version) {
        LessonPlanStore.Plan plan = readable(me, id);
        if (plan.currentVersion() == 0) {
            return view(plan, null, null);
        }
        LessonPlanStore.Version shown = versions.version(plan, version == null ? plan.currentVersion() : version);
        return view(plan, shown, LessonPlanMarkdown.render(versions.inputs(plan, plan.context(), shown)));
    }

    @GetMapping(path = "/api/lesson-plans/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Progress of a plan being written (as POST streams it); a finished plan answers done or error at once")
    SseEmitter events(CurrentUser me, @PathVariable long id) {
        LessonPlanStore.Plan plan = readable(me, id);
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        if (!events.subscribe(plan.id(), emitter)) {
            finished(emitter, plan.id());
        }
        return emitter;
    }

    /** The events of a plan that is not being written by this instance: its id, then done, error or pending. */
    private void finished(SseEmitter emitter, long planId) {
        LessonPlanStore.Plan plan = store.find(planId).orElseThrow();
        try {
            emitter.send(SseEmitter.event().name("plan").data(Map.of("planId", planId)));
            // GENERATING here means another instance is writing it: "pending", and the client asks again later.
            String last = switch (plan.status()) {
                case FAILED -> "error";
                case GENERATING -> "pending";
                case READY, ACCEPTED -> "done";
            };
            emitter.send(SseEmitter.event().name(last).data(Map.of("planId", planId, "status", plan.status())));
        } catch (java.io.IOException gone) {
            // the client left; nothing is lost
        }
        emitter.complete();
    }

    @PostMapping("/api/lesson-plans/{id}/retry")
    @Operation(summary = "Write a failed plan again from the same request (follow it at /events); 409 unless it failed")
    PlanView retry(CurrentUser me, @PathVariable long id) {
        LessonPlanStore.Plan plan = owned(me, id);
        access.checkClass(me, plan.classId());
        service.retry(me, plan);
        return get(me, id, null);
    }

    @GetMapping("/api/lesson-plans/{id}/versions")
    @Operation(summary = "Every version of a plan: written, edited by the teacher, or with a section regenerated")
    List<VersionView> versions(CurrentUser me, @PathVariable long id) {
        return store.versions(readable(me, id).id()).stream().map(LessonPlanController::versionView).toList();
    }

    @PutMapping("/api/lesson-plans/{id}")
    @Operation(summary = "Save the teacher's edit of the whole plan as a new version (checked like a written one)")
    PlanView edit(CurrentUser me, @PathVariable long id, @Valid @RequestBody Edit edit) {
        LessonPlanStore.Plan plan = owned(me, id);
        versions.edit(me, plan, edit.content(), edit.note());
        return get(me, id, null);
    }

    @PostMapping("/api/lesson-plans/{id}/sections/{section}/regenerate")
    @Operation(summary = "Write one section again to the teacher's instruction (the rest stays) as a new version")
    PlanView regenerate(CurrentUser me, @PathVariable long id, @PathVariable String section,
            @Valid @RequestBody Regenerate request) {
        LessonPlanStore.Plan plan = owned(me, id);
        versions.regenerate(me, plan, section(section), request.instruction());
        return get(me, id, null);
    }

    @GetMapping("/api/lesson-plans/{id}/diff")
    @Operation(summary = "What changed between two versions, section by section, line by line")
    List<LessonPlanVersions.SectionDiff> diff(CurrentUser me, @PathVariable long id, @RequestParam int from,
            @RequestParam int to) {
        return versions.diff(readable(me, id), from, to);
    }

    @PostMapping("/api/lesson-plans/{id}/accept")
    @Operation(summary = "Accept the current version: it joins the school's library as a lesson design of the school's style")
    PlanView accept(CurrentUser me, @PathVariable long id) {
        versions.accept(me, owned(me, id));
        return get(me, id, null);
    }

    @GetMapping("/api/lesson-plans/{id}/export")
    @Operation(summary = "The plan as DOCX (format=docx) or Markdown (format=markdown), with the AI label, visible and in "
            + "the file's metadata; copy=student gives the students' worksheet: the plan's items without keys")
    ResponseEntity<byte[]> export(CurrentUser me, @PathVariable long id, @RequestParam(defaultValue = "docx") String format,
            @RequestParam(required = false) Integer version, @RequestParam(defaultValue = "teacher") String copy) {
        LessonPlanStore.Plan plan = readable(me, id);
        PlanContext context = LessonPlanVersions.ready(plan);
        LessonPlanStore.Version shown = versions.version(plan, version == null ? plan.currentVersion() : version);
        LessonPlanMarkdown.Inputs inputs = versions.inputs(plan, context, shown);
        boolean students = switch (copy) {
            case "teacher" -> false;
            case "student" -> true;
            default -> throw ApiException.badRequest("unknown-export-copy", copy);
        };
        String name = (students ? "学生练习单-" : "教学设计-") + plan.id() + "-v" + shown.version();
        AiLabel label = new AiLabel("lesson-plan-" + plan.id() + "-v" + shown.version(), name);
        return switch (format) {
            case "docx" -> file(students ? LessonPlanDocx.worksheet(inputs, label) : LessonPlanDocx.write(inputs, label),
                    name + ".docx",
                    MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
            case "markdown", "md" -> file((label.frontMatter() + (students ? LessonPlanMarkdown.worksheet(inputs)
                            : LessonPlanMarkdown.render(inputs))).getBytes(StandardCharsets.UTF_8), name + ".md",
                    new MediaType("text", "markdown", StandardCharsets.UTF_8));
            default -> throw ApiException.badRequest("unknown-export-format", format);
        };
    }

    @GetMapping("/api/lesson-template")
    @Operation(summary = "The school's lesson template: sections in order, with their headings")
    List<LessonTemplates.Heading> template(CurrentUser me) {
        access.requireStaff(me);
        return templates.of(me.schoolId());
    }

    @PutMapping("/api/lesson-template")
    @Operation(summary = "Set the school's lesson template (admins); objectives and the lesson process are required")
    List<LessonTemplates.Heading> setTemplate(CurrentUser me,
            @RequestBody @NotNull @Size(min = 2, max = 10) @Valid List<LessonTemplates.Heading> headings) {
        access.requireAdmin(me);
        return templates.set(me.schoolId(), me.id(), headings);
    }

    private static ResponseEntity<byte[]> file(byte[] content, String name, MediaType type) {
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString())
                .body(content);
    }

    private static Section section(String name) {
        for (Section section : Section.values()) {
            if (section.name().equalsIgnoreCase(name.replace('-', '_'))) {
                return section;
            }
        }
        throw ApiException.badRequest("unknown-lesson-section", name);
    }

    /** The teacher who asked for it, or an admin of its school; others are told it does not exist. */
    private LessonPlanStore.Plan readable(CurrentUser me, long id) {
        LessonPlanStore.Plan plan = store.find(id).orElseThrow(() -> ApiException.notFound("lesson-plan", id));
        access.checkReadable(me, plan.schoolId(), plan.teacherId(), !me.is(Role.ADMIN), "lesson-plan", id);
        return plan;
    }

    private LessonPlanStore.Plan owned(CurrentUser me, long id) {
        LessonPlanStore.Plan plan = readable(me, id);
        if (me.id() != plan.teacherId()) {
            throw ApiException.forbidden("lesson-plan-owner-only");
        }
        return plan;
    }

    /** What a failure means for the teacher, and what to do: known codes have their own sentence. */
    private String failureMessage(String code) {
        if (code == null) {
            return null;
        }
        Locale locale = LocaleContextHolder.getLocale();
        return messages.getMessage("lesson-plan.failure." + code, null,
                messages.getMessage("lesson-plan.failure.other", null, locale), locale);
    }

    private static VersionView versionView(LessonPlanStore.Version v) {
        return new VersionView(v.version(), v.source(), v.note(), v.createdByName(), v.createdAt(), v.flags(), v.content());
    }

    private PlanView view(LessonPlanStore.Plan plan, LessonPlanStore.Version version, String markdown) {
        PlanContext c = plan.context();
        PlanContextView context = c == null ? null : new PlanContextView(c.className(), c.subjectName(), c.lessonType(),
                c.duration(), c.knowledgePoints(), c.figures(), c.tiers(),
                c.sources().stream().map(s -> new SourceView(s.label(), s.documentId(), s.citation())).toList());
        return new PlanView(plan.id(), plan.classId(), plan.subjectId(), plan.teacherId(), plan.status(), plan.failure(),
                failureMessage(plan.failure()), plan.request(), plan.currentVersion(), plan.acceptedVersion(), plan.libraryDocumentId(), true, AI_LABEL,
                plan.createdAt(), plan.updatedAt(), context, version == null ? null : versionView(version), markdown);
    }
}
