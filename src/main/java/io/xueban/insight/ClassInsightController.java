package io.xueban.insight;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/** Class dashboards beyond the mastery matrix: profile, students at risk, item statistics. */
@RestController
@RequestMapping("/api")
class ClassInsightController {

    private final ClassProfiles profiles;
    private final ItemStatistics statistics;
    private final Misconceptions misconceptions;
    private final Roster roster;
    private final AccessPolicy access;

    ClassInsightController(ClassProfiles profiles, ItemStatistics statistics, Misconceptions misconceptions, Roster roster,
            AccessPolicy access) {
        this.profiles = profiles;
        this.statistics = statistics;
        this.misconceptions = misconceptions;
        this.roster = roster;
        this.access = access;
    }

    @GetMapping("/classes/{id}/misconceptions")
    @Operation(summary = "The class's wrong answers on a knowledge point, grouped, and summarised by the model with "
            + "citations to the answers (summaryStatus UNAVAILABLE when no model could be asked)")
    Misconceptions.Report misconceptions(CurrentUser me, @PathVariable long id, @RequestParam long kpId) {
        access.checkClass(me, id);
        return misconceptions.of(me.schoolId(), me.id(), id, kpId);
    }

    @GetMapping("/classes/{id}/profile")
    @Operation(summary = "The class's profile: mastery per knowledge point, three tiers of students, shared wrong answers")
    ClassProfile profile(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Long subjectId) {
        access.checkClass(me, id);
        return profiles.profileOf(me.schoolId(), id, subjectId);
    }

    @GetMapping("/classes/{id}/at-risk")
    @Operation(summary = "Students below 基本掌握 on the given knowledge points (the next lessons) or their prerequisites")
    List<ClassProfiles.AtRisk> atRisk(CurrentUser me, @PathVariable long id, @RequestParam Set<Long> kpIds,
            @RequestParam(required = false) Long subjectId) {
        access.checkClass(me, id);
        return profiles.atRisk(me.schoolId(), id, kpIds, subjectId);
    }

    @GetMapping("/insight/item-statistics")
    @Operation(summary = "p-value, point-biserial and option counts per item; for one class (with who chose which "
            + "wrong option) or the whole school (counts only)")
    List<ItemStatistics.Statistics> itemStatistics(CurrentUser me, @RequestParam(required = false) Long classId,
            @RequestParam(required = false) Long subjectId) {
        access.requireStaff(me);
        if (classId == null) {
            return statistics.compute(me.schoolId(), subjectId, null, Map.of());
        }
        access.checkClass(me, classId);
        var names = roster.studentNamesOf(classId);
        return statistics.compute(me.schoolId(), subjectId, names.keySet(), names);
    }
}
