package io.xueban.assignment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

@RestController
@RequestMapping("/api")
@Tag(name = "Assignments", description = "Homework and checks: a teacher assigns items to a class, students answer and submit")
class AssignmentController {

    private final Assignments assignments;
    private final Tasks tasks;
    private final AssignmentResults results;
    private final AssignmentProposals proposals;
    private final LiveChecks live;
    private final Marking marking;
    private final ResultsExport export;

    AssignmentController(Assignments assignments, Tasks tasks, AssignmentResults results, AssignmentProposals proposals,
            LiveChecks live, Marking marking, ResultsExport export) {
        this.assignments = assignments;
        this.tasks = tasks;
        this.results = results;
        this.proposals = proposals;
        this.live = live;
        this.marking = marking;
        this.export = export;
    }

    @PostMapping("/assignments")
    @Operation(summary = "A draft assignment for a class I teach: its items, and its students (all of the class unless named)")
    ResponseEntity<Assignment> create(CurrentUser me, @Valid @RequestBody AssignmentRequest request) {
        Assignment created = assignments.create(me, request);
        return ResponseEntity.created(URI.create("/api/assignments/" + created.id())).body(created);
    }

    @GetMapping("/assignments")
    @Operation(summary = "A class's assignments, newest first (its teachers, admins)")
    List<Assignment> ofClass(CurrentUser me, @RequestParam long classId) {
        return assignments.ofClass(me, classId);
    }

    @GetMapping("/assignments/{id}")
    @Operation(summary = "An assignment (its class's teachers, admins)")
    Assignment get(CurrentUser me, @PathVariable long id) {
        return assignments.forStaff(me, id);
    }

    @PutMapping("/assignments/{id}")
    @Operation(summary = "Change an assignment (its class stays) while nobody has answered it")
    Assignment update(CurrentUser me, @PathVariable long id, @Valid @RequestBody AssignmentRequest request) {
        return assignments.update(me, id, request);
    }

    @PostMapping("/assignments/{id}/publish")
    @Operation(summary = "Send a draft to its students")
    Assignment publish(CurrentUser me, @PathVariable long id) {
        return assignments.publish(me, id);
    }

    @PostMapping("/assignments/{id}/close")
    @Operation(summary = "Take no more answers")
    Assignment close(CurrentUser me, @PathVariable long id) {
        return assignments.close(me, id);
    }

    @GetMapping("/assignments/marking")
    @Operation(summary = "待批改: handed-in answers to open items of a class's assignments (or one of them), oldest first")
    List<Marking.OpenAnswer> marking(CurrentUser me, @RequestParam long classId, @RequestParam(required = false) Long assignmentId) {
        return marking.queue(me, classId, assignmentId);
    }

    @PostMapping("/assignments/{id}/answers/{studentId}/{itemId}/mark")
    @Operation(summary = "Mark a handed-in answer to an open item (only a teacher marks these); it counts for mastery")
    ResponseEntity<Void> mark(CurrentUser me, @PathVariable long id, @PathVariable long studentId, @PathVariable long itemId,
            @Valid @RequestBody MarkRequest request) {
        marking.mark(assignments.forStaff(me, id), studentId, itemId, request.correct());
        return ResponseEntity.noContent().build();
    }

    record MarkRequest(@NotNull Boolean correct) {
    }

    @GetMapping("/assignments/{id}/answers/{studentId}/{itemId}/photo")
    @Operation(summary = "The photo of written work a student gave as an answer (its class's teachers, admins)")
    ResponseEntity<byte[]> photo(CurrentUser me, @PathVariable long id, @PathVariable long studentId,
            @PathVariable long itemId) {
        Map.Entry<String, byte[]> photo = marking.photo(assignments.forStaff(me, id), studentId, itemId);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(photo.getKey()))
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store").body(photo.getValue());
    }

    @PostMapping("/assignments/{id}/remind")
    @Operation(summary = "Remind every student who has not handed in a running assignment (in-app; at most every 10 minutes)")
    Reminded remind(CurrentUser me, @PathVariable long id) {
        return new Reminded(assignments.remind(me, id));
    }

    record Reminded(int students) {
    }

    @DeleteMapping("/assignments/{id}")
    @Operation(summary = "Cancel an assignment nobody has answered yet")
    ResponseEntity<Void> delete(CurrentUser me, @PathVariable long id) {
        assignments.delete(me, id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/assignments/proposal")
    @Operation(summary = "An assignment proposed for checking before creating it: a lesson plan's 课堂检测 (from=EXIT_TICKET) "
            + "or 分层作业 by the class's tiers now (from=HOMEWORK), or each student's next items (from=NEXT_STEPS, 每人一份)")
    AssignmentProposals.Proposal proposal(CurrentUser me, @RequestParam AssignmentProposals.Source from,
            @RequestParam(required = false) Long planId, @RequestParam(required = false) Long classId,
            @RequestParam(required = false) Long subjectId,
            @RequestParam(defaultValue = "5") @Min(1) @Max(AssignmentProposals.MAX_NEXT_ITEMS) int items) {
        if (from == AssignmentProposals.Source.NEXT_STEPS) {
            if (classId == null) {
                throw ApiException.badRequest("assignment-proposal-needs", "classId");
            }
            return proposals.nextSteps(me, classId, subjectId, items);
        }
        if (planId == null) {
            throw ApiException.badRequest("assignment-proposal-needs", "planId");
        }
        return proposals.fromPlan(me, planId, from);
    }

    @GetMapping("/assignments/{id}/results")
    @Operation(summary = "Who submitted, late or not at all, with scores; each item's share right")
    AssignmentResults.Results results(CurrentUser me, @PathVariable long id) {
        return results.results(assignments.forStaff(me, id));
    }

    @GetMapping("/assignments/{id}/live")
    @Operation(summary = "The live view of an assignment: who has begun and handed in, each item's share right and wrong answers by whom")
    AssignmentResults.LiveView live(CurrentUser me, @PathVariable long id) {
        return results.live(assignments.forStaff(me, id));
    }

    @GetMapping(path = "/assignments/{id}/live/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "The live view as server-sent events: 'live' at once and then at most every 250 ms while answers come in")
    SseEmitter liveStream(CurrentUser me, @PathVariable long id) {
        return live.subscribe(assignments.forStaff(me, id));
    }

    @GetMapping("/assignments/{id}/review")
    @Operation(summary = "讲评: items hardest for the class first, with their common wrong answers and library passages on them")
    AssignmentResults.Review review(CurrentUser me, @PathVariable long id) {
        return results.review(me, assignments.forStaff(me, id));
    }

    @GetMapping("/assignments/{id}/results/export")
    @Operation(summary = "The results per student as an Excel workbook (format=xlsx, the default) or CSV (format=csv)")
    ResponseEntity<byte[]> export(CurrentUser me, @PathVariable long id,
            @RequestParam(defaultValue = "xlsx") @Pattern(regexp = "xlsx|csv") String format) {
        AssignmentResults.Results results = this.results.results(assignments.forStaff(me, id));
        Locale locale = LocaleContextHolder.getLocale();
        boolean excel = format.equals("xlsx");
        byte[] body = excel ? export.xlsx(results, locale) : export.csv(results, locale);
        return ResponseEntity.ok()
                .contentType(excel ? MediaType.parseMediaType(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                        : MediaType.parseMediaType("text/csv;charset=UTF-8"))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(results.title() + (excel ? ".xlsx" : ".csv"), StandardCharsets.UTF_8).build().toString())
                .body(body);
    }

    @GetMapping("/me/tasks")
    @Operation(summary = "My assignments (students), due soonest first")
    List<Tasks.Task> tasks(CurrentUser me) {
        return tasks.tasks(me);
    }

    @GetMapping("/me/tasks/{id}")
    @Operation(summary = "One of my assignments: its items (never the keys), my saved answers, and feedback once submitted")
    Tasks.TaskView task(CurrentUser me, @PathVariable long id) {
        return tasks.forStudent(me, id);
    }

    @PutMapping("/me/tasks/{id}/answers/{itemId}")
    @Operation(summary = "Save my answer to one item (the last saved counts when I submit)")
    ResponseEntity<Void> save(CurrentUser me, @PathVariable long id, @PathVariable long itemId,
            @Valid @RequestBody AnswerRequest request) {
        tasks.save(me, id, itemId, request.answer());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/me/tasks/{id}/submit")
    @Operation(summary = "Submit my answers, once: marked from the key, with feedback as the teacher allowed (a second submit answers with the first)")
    Tasks.TaskView submit(CurrentUser me, @PathVariable long id) {
        return tasks.submit(me, id);
    }

    @PutMapping(path = "/me/tasks/{id}/answers/{itemId}/photo", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Answer an open item with a photo of my written work (JPEG, PNG or WebP): what was read in it becomes my answer; my teacher marks it")
    PhotoAnswer savePhoto(CurrentUser me, @PathVariable long id, @PathVariable long itemId,
            @RequestParam(name = "image", required = false) MultipartFile image) throws IOException {
        if (image == null || image.isEmpty()) {
            throw ApiException.badRequest("image-missing");
        }
        return new PhotoAnswer(tasks.savePhoto(me, id, itemId, image.getBytes()));
    }

    /** What the vision model read in the photo, saved as the answer. */
    record PhotoAnswer(String transcription) {
    }

    @PostMapping("/me/tasks/{id}/retry")
    @Operation(summary = "Open my next attempt at a handed-in assignment, when the teacher allows more (the last attempt counts)")
    Tasks.TaskView retry(CurrentUser me, @PathVariable long id) {
        return tasks.retry(me, id);
    }

    record AnswerRequest(@Size(max = 8000) String answer) {
    }
}
