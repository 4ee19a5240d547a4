package io.xueban.insight;

import java.time.Instant;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/** Mastery: a student's knowledge points (the student, their teachers, admins) and a class's matrix. */
@RestController
@RequestMapping("/api")
class MasteryController {

    private final MasteryViews views;
    private final MasteryService mastery;
    private final MasteryRefits refits;
    private final AccessPolicy access;

    MasteryController(MasteryViews views, MasteryService mastery, MasteryRefits refits, AccessPolicy access) {
        this.views = views;
        this.mastery = mastery;
        this.refits = refits;
        this.access = access;
    }

    /**
     * @param fittedAt when the school's model was last fitted (null before the first fit)
     * @param latest the latest refit since the server started, or null
     */
    record FitStatus(String model, Instant fittedAt, MasteryRefits.Status latest) {
    }

    @GetMapping("/students/{id}/mastery")
    @Operation(summary = "A student's mastery per knowledge point: probability, level, answers, Bloom level reached, "
            + "and a one-sentence explanation")
    MasteryViews.StudentMastery student(CurrentUser me, @PathVariable long id,
            @RequestParam(required = false) Long subjectId) {
        access.checkStudent(me, id);
        return views.student(me.schoolId(), id, subjectId);
    }

    @GetMapping("/classes/{id}/mastery")
    @Operation(summary = "A class's students × knowledge points mastery matrix with a summary per knowledge point")
    MasteryViews.ClassMastery classMatrix(CurrentUser me, @PathVariable long id,
            @RequestParam(required = false) Long subjectId) {
        access.checkClass(me, id);
        return views.classMatrix(me.schoolId(), id, subjectId);
    }

    @PostMapping("/insight/mastery-fit")
    @Operation(summary = "Fit the school's mastery model to all stored answers and recompute every student (admin)")
    Map<String, Object> refit(CurrentUser me) {
        access.requireAdmin(me);
        return MasteryViews.refitSummary(refits.run(me.schoolId(), MasteryRefits.Reason.ADMIN));
    }

    @GetMapping("/insight/mastery-fit")
    @Operation(summary = "The school's mastery model: when it was fitted, and the latest refit (waiting, running, done or "
            + "failed), as after an upgrade recomputes every student (admin)")
    FitStatus fitStatus(CurrentUser me) {
        access.requireAdmin(me);
        return new FitStatus(MasteryModels.MASTERY, mastery.model(me.schoolId()).fittedAt(), refits.of(me.schoolId()));
    }
}
