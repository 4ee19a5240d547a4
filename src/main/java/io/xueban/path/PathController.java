package io.xueban.path;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/** A student's learning path: for the student, their teachers and admins. */
@RestController
class PathController {

    private final LearningPaths paths;
    private final AccessPolicy access;

    PathController(LearningPaths paths, AccessPolicy access) {
        this.paths = paths;
        this.access = access;
    }

    @GetMapping("/api/students/{id}/path")
    @Operation(summary = "What the student should do next: steps (learn, step back, review) with reasons, a sentence "
            + "each, and practice items whose predicted success lies in the configured band")
    LearningPaths.Path path(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Long subjectId) {
        access.checkStudent(me, id);
        return paths.pathFor(me.schoolId(), id, subjectId);
    }
}
