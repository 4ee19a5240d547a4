package io.xueban.assignment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import io.xueban.assignment.AssignmentStore.Kind;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.insight.ClassProfile;
import io.xueban.insight.ClassProfiles;
import io.xueban.lessonplan.LessonPlanDrafts;
import io.xueban.path.StudentPaths;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/**
 * Assignments proposed for a teacher to check and change before creating them: a lesson plan's
 * 课堂检测 as a live check; its 分层作业 with each tier's items for the students in that tier of
 * the class profile now; or 每人一份, each student's next items chosen by the path planner.
 * A proposal is never stored: the teacher sends it back, changed or not, as a new assignment.
 */
@Service
class AssignmentProposals {

    enum Source { EXIT_TICKET, HOMEWORK, NEXT_STEPS }

    /** The most items a student gets in a 每人一份 assignment. */
    static final int MAX_NEXT_ITEMS = 10;

    record ProposedItem(long itemId, String code, String type, String stem) {
    }

    record ProposedStudent(long studentId, String name) {
    }

    /** @param tier BASIC, CORE or EXTENDED for a tier of 分层作业, else null */
    record ProposedPart(String label, String tier, List<ProposedItem> items, List<ProposedStudent> students) {
    }

    /** @param withoutItems students the source had nothing for (for instance a path with nothing left to practise) */
    record Proposal(long classId, String title, Kind kind, Long lessonPlanId, List<ProposedPart> parts,
            List<ProposedStudent> withoutItems) {
    }

    private final LessonPlanDrafts plans;
    private final ClassProfiles profiles;
    private final StudentPaths paths;
    private final Roster roster;
    private final Items items;
    private final AccessPolicy policy;

    AssignmentProposals(LessonPlanDrafts plans, ClassProfiles profiles, StudentPaths paths, Roster roster, Items items,
            AccessPolicy policy) {
        this.plans = plans;
        this.profiles = profiles;
        this.paths = paths;
        this.roster = roster;
        this.items = items;
        this.policy = policy;
    }

    /** A lesson plan's 课堂检测 (a live check for the whole class) or 分层作业 (a part per tier). */
    Proposal fromPlan(CurrentUser me, long planId, Source source) {
        LessonPlanDrafts.PlanWork work = plans.work(me, planId);
        policy.checkClass(me, work.classId());
        List<Roster.ClassStudent> students = roster.classStudents(work.classId());
        if (source == Source.EXIT_TICKET) {
            if (work.exitTicket().isEmpty()) {
                throw ApiException.conflict("assignment-plan-no-items", planId);
            }
            return new Proposal(work.classId(), work.title() + " · 课堂检测", Kind.LIVE, planId,
                    List.of(new ProposedPart(null, null, items(me, work.exitTicket()), proposed(students))), List.of());
        }
        if (work.homework().values().stream().allMatch(List::isEmpty)) {
            throw ApiException.conflict("assignment-plan-no-items", planId);
        }
        ClassProfile profile = profiles.profileOf(me.schoolId(), work.classId(), work.subjectId());
        Map<Long, String> names = roster.studentNamesOf(work.classId());
        List<ProposedPart> parts = new ArrayList<>();
        for (ClassProfile.Tier tier : profile.tiers()) {
            List<ProposedStudent> inTier = tier.studentIds().stream().filter(names::containsKey)
                    .map(id -> new ProposedStudent(id, names.get(id))).toList();
            parts.add(new ProposedPart(tier.label(), tier.code(),
                    items(me, work.homework().getOrDefault(tier.code(), List.of())), inTier));
        }
        return new Proposal(work.classId(), work.title() + " · 分层作业", Kind.HOMEWORK, planId, parts, List.of());
    }

    /** 每人一份: for each student of the class, the next items of their own path (at most {@code perStudent}). */
    Proposal nextSteps(CurrentUser me, long classId, Long subjectId, int perStudent) {
        policy.checkClass(me, classId);
        int count = Math.clamp(perStudent, 1, MAX_NEXT_ITEMS);
        List<ProposedPart> parts = new ArrayList<>();
        List<ProposedStudent> without = new ArrayList<>();
        for (Roster.ClassStudent student : roster.classStudents(classId)) {
            List<Long> next = paths.nextItems(me.schoolId(), student.id(), subjectId, count).stream()
                    .map(StudentPaths.NextItem::itemId).toList();
            ProposedStudent proposed = new ProposedStudent(student.id(), student.name());
            if (next.isEmpty()) {
                without.add(proposed);
            } else {
                parts.add(new ProposedPart(student.name(), null, items(me, next), List.of(proposed)));
            }
        }
        if (parts.isEmpty()) {
            throw ApiException.conflict("assignment-nothing-to-practise", classId);
        }
        return new Proposal(classId, "每人一份", Kind.HOMEWORK, null, parts, without);
    }

    private List<ProposedItem> items(CurrentUser me, List<Long> itemIds) {
        return items.factsOf(me.schoolId(), itemIds).values().stream().map(AssignmentProposals::proposed).toList();
    }

    private static ProposedItem proposed(ItemFacts item) {
        return new ProposedItem(item.id(), item.code(), item.type().name(), item.stem());
    }

    private static List<ProposedStudent> proposed(List<Roster.ClassStudent> students) {
        return students.stream().map(s -> new ProposedStudent(s.id(), s.name())).toList();
    }
}
