package io.xueban.assignment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import jakarta.validation.Valid;
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

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.xueban.security.CurrentUser;

@RestController
@RequestMapping("/api")
@Tag(name = "Assignments", description = "Homework and checks: a teacher assigns items to a class, students answer and submit")
class AssignmentController {

    private final Assignments assignments;
    private final ResultsExport export;

    AssignmentController(Assignments assignments, ResultsExport export) {
        this.assignments = assignments;
        this.export = export;
    }

    @PostMapping("/assignments")
    @Operation(summary = "A draft assignment for a class I teach: its items, and its students (all of the class unless named)")
    ResponseEntity<Assignments.Assignment> create(CurrentUser me, @Valid @RequestBody AssignmentRequest request) {
        Assignments.Assignment created = assignments.create(me, request);
        return ResponseEntity.created(URI.create("/api/assignments/" + created.id())).body(created);
    }

    @GetMapping("/assignments")
    @Operation(summary = "A class's assignments, newest first (its teachers, admins)")
    List<Assignments.Assignment> ofClass(CurrentUser me, @RequestParam long classId) {
        return assignments.ofClass(me, classId);
    }

    @GetMapping("/assignments/{id}")
    @Operation(summary = "An assignment (its class's teachers, admins)")
    Assignments.Assignment get(CurrentUser me, @PathVariable long id) {
        return assignments.forStaff(me, id);
    }

    @PutMapping("/assignments/{id}")
    @Operation(summary = "Change an assignment (its class stays) while nobody has answered it")
    Assignments.Assignment update(CurrentUser me, @PathVariable long id, @Valid @RequestBody AssignmentRequest request) {
        return assignments.update(me, id, request);
    }

    @PostMapping("/assignments/{id}/publish")
    @Operation(summary = "Send a draft to its students")
    Assignments.Assignment publish(CurrentUser me, @PathVariable long id) {
        return assignments.publish(me, id);
    }

    @PostMapping("/assignments/{id}/close")
    @Operation(summary = "Take no more answers")
    Assignments.Assignment close(CurrentUser me, @PathVariable long id) {
        return assignments.close(me, id);
    }

    @DeleteMapping("/assignments/{id}")
    @Operation(summary = "Cancel an assignment nobody has answered yet")
    ResponseEntity<Void> delete(CurrentUser me, @PathVariable long id) {
        assignments.delete(me, id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/assignments/{id}/results")
    @Operation(summary = "Who submitted, late or not at all, with scores; each item's share right")
    Assignments.Results results(CurrentUser me, @PathVariable long id) {
        return assignments.results(me, id);
    }

    @GetMapping("/assignments/{id}/results/export")
    @Operation(summary = "The results per student as an Excel workbook (format=xlsx, the default) or CSV (format=csv)")
    ResponseEntity<byte[]> export(CurrentUser me, @PathVariable long id,
            @RequestParam(defaultValue = "xlsx") @Pattern(regexp = "xlsx|csv") String format) {
        Assignments.Results results = assignments.results(me, id);
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
    List<Assignments.Task> tasks(CurrentUser me) {
        return assignments.tasks(me);
    }

    @GetMapping("/me/tasks/{id}")
    @Operation(summary = "One of my assignments: its items (never the keys), my saved answers, and feedback once submitted")
    Assignments.TaskView task(CurrentUser me, @PathVariable long id) {
        return assignments.forStudent(me, id);
    }

    @PutMapping("/me/tasks/{id}/answers/{itemId}")
    @Operation(summary = "Save my answer to one item (the last saved counts when I submit)")
    ResponseEntity<Void> save(CurrentUser me, @PathVariable long id, @PathVariable long itemId,
            @Valid @RequestBody AnswerRequest request) {
        assignments.save(me, id, itemId, request.answer());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/me/tasks/{id}/submit")
    @Operation(summary = "Submit my answers, once: marked from the key, with feedback as the teacher allowed (a second submit answers with the first)")
    Assignments.TaskView submit(CurrentUser me, @PathVariable long id) {
        return assignments.submit(me, id);
    }

    record AnswerRequest(@Size(max = 8000) String answer) {
    }
}
