package io.xueban.assignment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.assignment.AssignmentStore.Kind;
import io.xueban.assignment.AssignmentStore.Part;
import io.xueban.assignment.AssignmentStore.ShowAnswers;
import io.xueban.assignment.AssignmentStore.Status;
import io.xueban.curriculum.Items;
import io.xueban.lessonplan.LessonPlanDrafts;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/**
 * Assignments (作业与课堂检测) as the teacher sets them: items for students of a class they teach,
 * in one part or several (tiers, groups, one student each); a draft until published, changed
 * until somebody answers, closed when no more answers are taken. The students' side is
 * {@link Tasks}.
 */
@Service
class Assignments {

    private final AssignmentStore store;
    private final AccessPolicy policy;
    private final Items items;
    private final Roster roster;
    private final LessonPlanDrafts plans;
    private final Tasks tasks;
    private final Reminders reminders;
    private final Clock clock;

    Assignments(AssignmentStore store, AccessPolicy policy, Items items, Roster roster, LessonPlanDrafts plans,
            Tasks tasks, Reminders reminders, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.items = items;
        this.roster = roster;
        this.plans = plans;
        this.tasks = tasks;
        this.reminders = reminders;
        this.clock = clock;
    }

    /** A draft for a class the teacher teaches. */
    @Transactional
    Assignment create(CurrentUser me, AssignmentRequest request) {
        policy.checkClass(me, request.classId());
        long id = store.insert(me.schoolId(), request.classId(), me.id(), request.title().strip(), kind(request),
                clock.instant());
        write(me, id, request);
        return store.find(id).orElseThrow();
    }

    /** Changes an assignment (its class stays) as long as nobody has answered it. */
    @Transactional
    Assignment update(CurrentUser me, long id, AssignmentRequest request) {
        Assignment assignment = forStaff(me, id);
        if (request.classId() != assignment.classId()) {
            throw ApiException.badRequest("assignment-class-fixed");
        }
        if (store.answered(id)) {
            throw ApiException.conflict("assignment-answered", id);
        }
        if (assignment.status() == Status.CLOSED) {
            throw ApiException.conflict("assignment-closed", id);
        }
        write(me, id, request);
        return store.find(id).orElseThrow();
    }

    /** Checks a request and stores it as the assignment's settings and parts. */
    private void write(CurrentUser me, long id, AssignmentRequest request) {
        List<Part> parts = parts(me, request);
        Instant now = clock.instant();
        if (request.dueAt() != null && !request.dueAt().isAfter(now)) {
            throw ApiException.badRequest("assignment-due-in-past");
        }
        if (request.opensAt() != null && request.dueAt() != null && !request.opensAt().isBefore(request.dueAt())) {
            throw ApiException.badRequest("assignment-opens-after-due");
        }
        if (request.lessonPlanId() != null && plans.work(me, request.lessonPlanId()).classId() != request.classId()) {
            throw ApiException.badRequest("assignment-plan-other-class", request.lessonPlanId());
        }
        store.write(id, request.title().strip(), blankToNull(request.note()), kind(request), request.lessonPlanId(),
                request.opensAt(), request.dueAt(),
                request.showAnswers() == null ? ShowAnswers.AFTER_SUBMIT : request.showAnswers(),
                Boolean.TRUE.equals(request.allowLate()), request.attempts() == null ? 1 : request.attempts(), parts);
    }

    /** The request's parts (one part of its items when it names none), each item the school's, each student in one part. */
    private List<Part> parts(CurrentUser me, AssignmentRequest request) {
        boolean hasItems = request.itemIds() != null && !request.itemIds().isEmpty();
        boolean hasParts = request.parts() != null && !request.parts().isEmpty();
        if (hasItems == hasParts) {
            throw ApiException.badRequest(hasItems ? "assignment-items-or-parts" : "assignment-no-items");
        }
        Set<Long> enrolled = AssignmentStore.orderedSet(roster.studentIdsOf(request.classId()));
        List<AssignmentRequest.Part> requested = hasParts ? request.parts()
                : List.of(new AssignmentRequest.Part(null, request.itemIds(),
                        request.studentIds() == null || request.studentIds().isEmpty() ? List.copyOf(enrolled)
                                : request.studentIds()));
        Set<Long> placed = new HashSet<>();
        Set<Long> checkedItems = new HashSet<>();
        List<Part> parts = new ArrayList<>();
        for (AssignmentRequest.Part part : requested) {
            List<Long> itemIds = List.copyOf(new LinkedHashSet<>(part.itemIds()));
            for (long itemId : itemIds) {
                if (checkedItems.add(itemId) && items.findRef(itemId).filter(item -> item.schoolId() == me.schoolId()).isEmpty()) {
                    throw ApiException.badRequest("assignment-unknown-item", itemId);
                }
            }
            Set<Long> students = AssignmentStore.orderedSet(part.studentIds());
            for (long student : students) {
                if (!enrolled.contains(student)) {
                    throw ApiException.forbidden("assignment-student-not-in-class", student);
                }
                if (!placed.add(student)) {
                    throw ApiException.badRequest("assignment-student-twice", student);
                }
            }
            parts.add(new Part(parts.size(), blankToNull(part.label()), itemIds, students));
        }
        if (placed.isEmpty()) {
            throw ApiException.badRequest("assignment-no-students");
        }
        return parts;
    }

    /** A draft goes out to its students (and shows in their tasks from its opening time); a live check starts. */
    @Transactional
    Assignment publish(CurrentUser me, long id) {
        Assignment assignment = forStaff(me, id);
        if (assignment.status() != Status.DRAFT) {
            throw ApiException.conflict("assignment-not-draft", id);
        }
        if (assignment.dueAt() != null && !assignment.dueAt().isAfter(clock.instant())) {
            throw ApiException.badRequest("assignment-due-in-past");
        }
        store.setStatus(id, Status.PUBLISHED, clock.instant());
        return store.find(id).orElseThrow();
    }

    /**
     * No more answers are taken. Closing a live check hands in what each student has saved, as
     * collecting the papers at the end of a lesson would.
     */
    @Transactional
    Assignment close(CurrentUser me, long id) {
        Assignment assignment = forStaff(me, id);
        if (assignment.status() != Status.PUBLISHED) {
            throw ApiException.conflict("assignment-not-published", id);
        }
        if (assignment.kind() == Kind.LIVE) {
            tasks.handInSaved(assignment);
        }
        store.setStatus(id, Status.CLOSED, null);
        return store.find(id).orElseThrow();
    }

    /**
     * An in-app reminder to every student of a running assignment who has not handed it in, in
     * the school's language, leading to the task; returns how many were reminded.
     */
    @Transactional
    int remind(CurrentUser me, long id) {
        Assignment assignment = forStaff(me, id);
        if (assignment.status() != Status.PUBLISHED) {
            throw ApiException.conflict("assignment-not-published", id);
        }
        Instant now = clock.instant();
        if (!store.markReminded(id, now, now.minus(Reminders.EVERY))) {
            throw ApiException.conflict("assignment-reminded-recently", Reminders.EVERY.toMinutes());
        }
        Map<Long, AssignmentStore.Submission> submissions = store.submissions(id);
        List<Long> missing = assignment.studentIds().stream()
                .filter(student -> submissions.get(student) == null || submissions.get(student).submittedAt() == null)
                .toList();
        reminders.send(me, assignment, missing);
        return missing.size();
    }

    /** Cancels an assignment nobody has answered yet: it is gone. */
    @Transactional
    void delete(CurrentUser me, long id) {
        forStaff(me, id);
        if (store.answered(id)) {
            throw ApiException.conflict("assignment-answered", id);
        }
        store.delete(id);
    }

    /** The assignments of a class, newest first (its teachers and admins). */
    List<Assignment> ofClass(CurrentUser me, long classId) {
        policy.checkClass(me, classId);
        return store.idsOfClass(classId).stream().map(id -> store.find(id).orElseThrow()).toList();
    }

    /** An assignment its class's teachers and the school's admins may see; others are told it does not exist. */
    Assignment forStaff(CurrentUser me, long id) {
        Assignment assignment = store.find(id).orElseThrow(() -> ApiException.notFound("assignment", id));
        policy.checkSameSchool(me, assignment.schoolId(), "assignment", id);
        policy.checkClass(me, assignment.classId());
        return assignment;
    }

    private static Kind kind(AssignmentRequest request) {
        return request.kind() == null ? Kind.HOMEWORK : request.kind();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
