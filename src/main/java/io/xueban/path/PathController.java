package io.xueban.path;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/** A student's learning path (the student, their teachers, admins) and the goals teachers set. */
@RestController
@Validated
class PathController {

    record Goal(@NotNull @Size(max = 500) List<Long> kpIds) {
    }

    record Decision(@NotNull PathOverrides.Action action, @NotBlank @Size(max = 200) String reason) {
    }

    private final LearningPaths paths;
    private final PathGoals goals;
    private final PathOverrides overrides;
    private final PathRecords records;
    private final PathUpdates updates;
    private final PathExplanations explanations;
    private final ClassPaths classPaths;
    private final Roster roster;
    private final AccessPolicy access;

    PathController(LearningPaths paths, PathGoals goals, PathOverrides overrides, PathRecords records,
            PathUpdates updates, PathExplanations explanations, ClassPaths classPaths, Roster roster,
            AccessPolicy access) {
        this.paths = paths;
        this.goals = goals;
        this.overrides = overrides;
        this.records = records;
        this.updates = updates;
        this.explanations = explanations;
        this.classPaths = classPaths;
        this.roster = roster;
        this.access = access;
    }

    @GetMapping("/api/classes/{id}/path-goal")
    @Operation(summary = "The knowledge points set as the class's goal (empty: the whole subject)")
    Goal classGoal(CurrentUser me, @PathVariable long id) {
        access.checkClass(me, id);
        return new Goal(goals.ofClass(id));
    }

    @PutMapping("/api/classes/{id}/path-goal")
    @Operation(summary = "Set the class's goal: the knowledge points its students' paths lead to (empty list clears it)")
    Goal setClassGoal(CurrentUser me, @PathVariable long id, @Valid @RequestBody Goal goal) {
        access.checkClass(me, id);
        List<Long> before = goals.ofClass(id);
        Goal set = new Goal(goals.setForClass(me.schoolId(), id, me.id(), goal.kpIds()));
        updates.replanForPoints(me.schoolId(), roster.studentIdsOf(id), union(before, set.kpIds()), PathRecords.Cause.GOAL);
        return set;
    }

    @GetMapping("/api/students/{id}/path-goal")
    @Operation(summary = "The student's own goal (empty: their class's goal applies)")
    Goal studentGoal(CurrentUser me, @PathVariable long id) {
        access.checkStudent(me, id);
        return new Goal(goals.ofStudent(id));
    }

    @PutMapping("/api/students/{id}/path-goal")
    @Operation(summary = "Set one student's own goal, over their class's (teachers; empty list clears it)")
    Goal setStudentGoal(CurrentUser me, @PathVariable long id, @Valid @RequestBody Goal goal) {
        access.requireStaff(me);
        access.checkStudent(me, id);
        List<Long> before = goals.ofStudent(id);
        Goal set = new Goal(goals.setForStudent(me.schoolId(), id, me.id(), goal.kpIds()));
        updates.replanForPoints(me.schoolId(), List.of(id), union(before, set.kpIds()), PathRecords.Cause.GOAL);
        return set;
    }

    private static Set<Long> union(List<Long> a, List<Long> b) {
        Set<Long> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @GetMapping("/api/students/{id}/path/overrides")
    @Operation(summary = "Teachers' decisions on the student's path: points pinned (practise now) or skipped, with reasons")
    List<PathOverrides.Override> overrides(CurrentUser me, @PathVariable long id) {
        access.checkStudent(me, id);
        return overrides.of(id);
    }

    @PutMapping("/api/students/{id}/path/overrides/{kpId}")
    @Operation(summary = "Pin a point (first in the path until mastered) or skip it (left out until removed), "
            + "with the reason the student and colleagues will see")
    PathOverrides.Override setOverride(CurrentUser me, @PathVariable long id, @PathVariable long kpId,
            @Valid @RequestBody Decision decision) {
        access.requireStaff(me);
        access.checkStudent(me, id);
        PathOverrides.Override set = overrides.set(me.schoolId(), id, kpId, decision.action(), decision.reason(), me.id());
        updates.replanForPoints(me.schoolId(), List.of(id), List.of(kpId), PathRecords.Cause.TEACHER_DECISION);
        return set;
    }

    @DeleteMapping("/api/students/{id}/path/overrides/{kpId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Remove a teacher's decision on one point; the planner decides about it again")
    void removeOverride(CurrentUser me, @PathVariable long id, @PathVariable long kpId) {
        access.requireStaff(me);
        access.checkStudent(me, id);
        if (!overrides.remove(id, kpId)) {
            throw ApiException.notFound("path-override", kpId);
        }
        updates.replanForPoints(me.schoolId(), List.of(id), List.of(kpId), PathRecords.Cause.TEACHER_DECISION);
    }

    @GetMapping("/api/students/{id}/path/history")
    @Operation(summary = "The paths the student was given, newest first, each time they changed, with what caused it")
    List<PathRecords.Recorded> history(CurrentUser me, @PathVariable long id,
            @RequestParam(required = false) Long subjectId,
            @RequestParam(defaultValue = "20") @Min(1) @Max(PathRecords.KEPT) int limit) {
        access.checkStudent(me, id);
        return records.history(id, subjectId, limit);
    }

    @GetMapping("/api/students/{id}/path/explanation")
    @Operation(summary = "The path told to the student in the model's words, from the planner's reasons only; "
            + "the planner's own sentences when no model is available")
    PathExplanations.Explanation explanation(CurrentUser me, @PathVariable long id,
            @RequestParam(required = false) Long subjectId) {
        access.checkStudent(me, id);
        return explanations.explain(me, id, subjectId);
    }

    @GetMapping("/api/classes/{id}/path")
    @Operation(summary = "The class for differentiated work (分层作业): tiers, each student's next step, each tier's focus")
    ClassPaths.ClassPath classPath(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Long subjectId) {
        access.checkClass(me, id);
        return classPaths.of(me.schoolId(), id, subjectId);
    }

    @GetMapping("/api/students/{id}/path")
    @Operation(summary = "What the student should do next: steps (learn, step back, review) with reasons, a sentence "
            + "each, and practice items whose predicted success lies in the configured band")
    LearningPaths.Path path(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Long subjectId) {
        access.checkStudent(me, id);
        return paths.pathFor(me.schoolId(), id, subjectId);
    }
}
