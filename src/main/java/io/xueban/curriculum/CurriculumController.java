package io.xueban.curriculum;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

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
import io.xueban.safety.AuditLog;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/**
 * Subjects, knowledge points with their prerequisite graph, and the item bank. Everyone in a
 * school may read subjects and knowledge points; only staff may change them or see items
 * (items carry answer keys).
 */
@RestController
@RequestMapping("/api")
@Tag(name = "Curriculum", description = "Subjects, knowledge points, prerequisites and items")
class CurriculumController {

    private final Subjects subjects;
    private final KnowledgePoints knowledgePoints;
    private final Items items;
    private final AccessPolicy policy;
    private final AuditLog audit;

    CurriculumController(Subjects subjects, KnowledgePoints knowledgePoints, Items items, AccessPolicy policy,
                         AuditLog audit) {
        this.subjects = subjects;
        this.knowledgePoints = knowledgePoints;
        this.items = items;
        this.policy = policy;
        this.audit = audit;
    }

    @GetMapping("/subjects")
    List<Subject> subjects(CurrentUser me) {
        return subjects.list(me.schoolId());
    }

    @PostMapping("/subjects")
    @Operation(summary = "Add a subject (admin)")
    ResponseEntity<Subject> createSubject(CurrentUser me, @Valid @RequestBody SubjectRequest request) {
        policy.requireAdmin(me);
        if (subjects.codeTaken(me.schoolId(), request.code())) {
            throw ApiException.conflict("code-taken", request.code());
        }
        Subject subject = subjects.create(me.schoolId(), request.code(), request.name());
        audit.record(me, "subject.create", "subject", subject.id(), subject.code());
        return ResponseEntity.created(URI.create("/api/subjects/" + subject.id())).body(subject);
    }

    @GetMapping("/knowledge-points")
    List<KnowledgePoint> knowledgePoints(CurrentUser me, @RequestParam(required = false) Long subjectId) {
        return knowledgePoints.list(me.schoolId(), subjectId);
    }

    @GetMapping("/knowledge-points/{id}")
    KnowledgePoint knowledgePoint(CurrentUser me, @PathVariable long id) {
        KnowledgePoint kp = knowledgePoints.find(id).orElseThrow(() -> ApiException.notFound("knowledge-point", id));
        policy.checkSameSchool(me, kp.schoolId(), "knowledge-point", id);
        return kp;
    }

    @PostMapping("/knowledge-points")
    @Operation(summary = "Add a knowledge point with its prerequisites (staff); a cycle is rejected with 400")
    ResponseEntity<KnowledgePoint> createKnowledgePoint(CurrentUser me, @Valid @RequestBody KnowledgePointRequest request) {
        policy.requireStaff(me);
        KnowledgePoint kp = knowledgePoints.create(me.schoolId(), request);
        audit.record(me, "knowledge-point.create", "knowledge_point", kp.id(), kp.code());
        return ResponseEntity.created(URI.create("/api/knowledge-points/" + kp.id())).body(kp);
    }

    @PutMapping("/knowledge-points/{id}")
    @Operation(summary = "Replace a knowledge point and its prerequisites (staff); a cycle is rejected with 400")
    KnowledgePoint updateKnowledgePoint(CurrentUser me, @PathVariable long id,
                                        @Valid @RequestBody KnowledgePointRequest request) {
        knowledgePoint(me, id);
        policy.requireStaff(me);
        KnowledgePoint kp = knowledgePoints.update(me.schoolId(), id, request);
        audit.record(me, "knowledge-point.update", "knowledge_point", id, kp.code());
        return kp;
    }

    @DeleteMapping("/knowledge-points/{id}")
    @Operation(summary = "Delete a knowledge point no item is tagged with (staff)")
    ResponseEntity<Void> deleteKnowledgePoint(CurrentUser me, @PathVariable long id) {
        knowledgePoint(me, id);
        policy.requireStaff(me);
        knowledgePoints.delete(me.schoolId(), id);
        audit.record(me, "knowledge-point.delete", "knowledge_point", id, null);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/items")
    @Operation(summary = "Items of the bank (staff), optionally of one subject or knowledge point, Bloom level, type, "
            + "and difficulty range (logits)")
    List<Item> items(CurrentUser me, @RequestParam(required = false) Long subjectId,
                     @RequestParam(required = false) Long kpId,
                     @RequestParam(required = false) BloomLevel bloomLevel,
                     @RequestParam(required = false) ItemType type,
                     @RequestParam(required = false) @DecimalMin("-6") @DecimalMax("6") Double minDifficulty,
                     @RequestParam(required = false) @DecimalMin("-6") @DecimalMax("6") Double maxDifficulty,
                     @RequestParam(defaultValue = "0") @Min(0) int offset,
                     @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit) {
        policy.requireStaff(me);
        return items.list(me.schoolId(), new Items.Filter(subjectId, kpId, bloomLevel, type, minDifficulty, maxDifficulty),
                offset, limit);
    }

    @GetMapping("/items/{id}")
    Item item(CurrentUser me, @PathVariable long id) {
        long school = items.schoolOf(id).orElseThrow(() -> ApiException.notFound("item", id));
        policy.checkSameSchool(me, school, "item", id);
        policy.requireStaff(me);
        return items.find(id).orElseThrow();
    }

    @PostMapping("/items")
    @Operation(summary = "Add an item (staff)")
    ResponseEntity<Item> createItem(CurrentUser me, @Valid @RequestBody ItemRequest request) {
        policy.requireStaff(me);
        Item item = items.find(items.create(me.schoolId(), request)).orElseThrow();
        audit.record(me, "item.create", "item", item.id(), item.code());
        return ResponseEntity.created(URI.create("/api/items/" + item.id())).body(item);
    }

    @PutMapping("/items/{id}")
    @Operation(summary = "Replace an item (staff)")
    Item updateItem(CurrentUser me, @PathVariable long id, @Valid @RequestBody ItemRequest request) {
        item(me, id);
        Item item = items.update(me.schoolId(), id, request);
        audit.record(me, "item.update", "item", id, item.code());
        return item;
    }

    @DeleteMapping("/items/{id}")
    @Operation(summary = "Delete an item that has no recorded answers (staff)")
    ResponseEntity<Void> deleteItem(CurrentUser me, @PathVariable long id) {
        item(me, id);
        items.delete(me.schoolId(), id);
        audit.record(me, "item.delete", "item", id, null);
        return ResponseEntity.noContent().build();
    }

    record SubjectRequest(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "{xueban.code.pattern}") String code,
            @NotBlank @Size(max = 100) String name) {
    }
}
