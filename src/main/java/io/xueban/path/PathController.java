package io.xueban.path;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/** A student's learning path (the student, their teachers, admins) and the goals teachers set. */
@RestController
class PathController {

    record Goal(@NotNull @Size(max = 500) List<Long> kpIds) {
    }

    private final LearningPaths paths;
    private final PathGoals goals;
    private final AccessPolicy access;

    PathController(LearningPaths paths, PathGoals goals, AccessPolicy access) {
        this.paths = paths;
        this.goals = goals;
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
        return new Goal(goals.setForClass(me.schoolId(), id, me.id(), goal.kpIds()));
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
        return new Goal(goals.setForStudent(me.schoolId(), id, me.id(), goal.kpIds()));
    }

    @GetMapping("/api/students/{id}/path")
    @Operation(summary = "What the student should do next: steps (learn, step back, review) with reasons, a sentence "
            + "each, and practice items whose predicted success lies in the configured band")
    LearningPaths.Path path(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Long subjectId) {
        access.checkStudent(me, id);
        return paths.pathFor(me.schoolId(), id, subjectId);
    }
}
