package io.xueban.assignment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.assignment.AssignmentStore.SavedAnswer;
import io.xueban.assignment.AssignmentStore.Status;
import io.xueban.assignment.AssignmentStore.Submission;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemRef;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.insight.MasteryService;
import io.xueban.insight.NewResponse;
import io.xueban.insight.PhotoReader;
import io.xueban.insight.ResponseSource;
import io.xueban.insight.Responses;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * Assignments as a student does them (我的任务): their own items, answers saved on the way,
 * one submission whose answers are marked from the key and recorded like any other answer (one
 * transaction with the mastery update), and feedback as the teacher allows. Open items wait for
 * a teacher's mark.
 */
@Service
class Tasks {

    /** An item as a student answering sees it: never its key. */
    record TaskItem(long itemId, String code, String type, String stem, List<String> options) {
    }

    /**
     * One item after submission: the student's answer and its mark, and, when the settings allow,
     * the key and the explanation; always the points it tests.
     */
    record Feedback(long itemId, String answer, Boolean correct, String rightAnswer, String explanation,
            List<String> points) {
    }

    /**
     * @param state NOT_STARTED, IN_PROGRESS, SUBMITTED or LATE
     * @param attempt the attempt under way or handed in (1 before the first)
     * @param attempts how many the teacher allows
     */
    record Task(long assignmentId, String title, String note, AssignmentStore.Kind kind, Status status, Instant opensAt,
            Instant dueAt, String state, Double score, Instant submittedAt, int items, int attempt, int attempts) {
    }

    record TaskView(Task task, List<TaskItem> items, Map<Long, String> saved, List<Feedback> feedback) {
    }

    private final AssignmentStore store;
    private final Items items;
    private final KnowledgePoints knowledgePoints;
    private final Responses responses;
    private final MasteryService mastery;
    private final PhotoReader photos;
    private final LiveChecks live;
    private final MarkSuggester suggester;
    private final Clock clock;

    Tasks(AssignmentStore store, Items items, KnowledgePoints knowledgePoints, Responses responses, MasteryService mastery,
            PhotoReader photos, LiveChecks live, MarkSuggester suggester, Clock clock) {
        this.photos = photos;
        this.suggester = suggester;
        this.store = store;
        this.items = items;
        this.knowledgePoints = knowledgePoints;
        this.responses = responses;
        this.mastery = mastery;
        this.live = live;
        this.clock = clock;
    }

    /** The student's published assignments, those due soonest first. */
    List<Task> tasks(CurrentUser me) {
        requireStudent(me);
        return store.idsForStudent(me.id()).stream()
                .map(id -> task(store.findForStudent(id, me.id()).orElseThrow(), store.submission(id, me.id()), me.id()))
                .toList();
    }

    /** A student's view of one of their assignments: the items, their saved answers, and feedback once submitted. */
    TaskView forStudent(CurrentUser me, long id) {
        Assignment assignment = ownTask(me, id);
        List<Long> itemIds = assignment.itemsOf(me.id());
        Map<Long, ItemFacts> facts = items.factsOf(me.schoolId(), itemIds);
        List<TaskItem> taskItems = facts.values().stream()
                .map(item -> new TaskItem(item.id(), item.code(), item.type().name(), item.stem(), item.options())).toList();
        Map<Long, String> saved = new HashMap<>();
        Map<Long, Boolean> marks = new HashMap<>();
        for (SavedAnswer answer : store.answers(id, me.id())) {
            saved.put(answer.itemId(), answer.answer());
            marks.put(answer.itemId(), answer.correct());
        }
        Task task = task(assignment, store.submission(id, me.id()), me.id());
        List<Feedback> feedback = List.of();
        if (task.submittedAt() != null) {
            boolean keys = showsKeys(assignment, task.attempt());
            Map<Long, String> pointNames = pointNames(facts.values());
            feedback = facts.values().stream().map(item -> new Feedback(item.id(), saved.get(item.id()), marks.get(item.id()),
                    keys ? item.answerKey() : null, keys ? item.explanation() : null,
                    item.kpIds().stream().map(pointNames::get).filter(name -> name != null).toList())).toList();
        }
        return new TaskView(task, taskItems, saved, feedback);
    }

    private Map<Long, String> pointNames(Collection<ItemFacts> facts) {
        Map<Long, String> names = new HashMap<>();
        facts.stream().flatMap(item -> item.kpIds().stream()).distinct().forEach(id -> knowledgePoints.find(id)
                .ifPresent(kp -> names.put(id, kp.name())));
        return names;
    }

    /** Saves one answer on the way (the last one saved counts at submission). */
    @Transactional
    void save(CurrentUser me, long id, long itemId, String answer) {
        Assignment assignment = ownTask(me, id);
        checkAnswerable(assignment);
        if (!assignment.itemsOf(me.id()).contains(itemId)) {
            throw ApiException.badRequest("assignment-item-not-in-it", itemId);
        }
        Optional<Submission> submission = store.submission(id, me.id());
        if (submission.map(Submission::submittedAt).isPresent()) {
            throw ApiException.conflict("assignment-submitted", id);
        }
        if (submission.isEmpty()) {
            store.startSubmission(id, me.id());
        }
        store.saveAnswer(id, me.id(), itemId, answer, clock.instant());
        Db.afterCommit(() -> live.changed(id));
    }

    /**
     * A photo of written work as the answer to an open item: the vision model reads it first, with
     * no transaction open (a reading takes seconds and must not hold a connection; with no model
     * nothing is stored), then the reading becomes the saved answer, and the photo and the mark
     * the model suggests wait for the teacher, who marks. The student sees what was read, never
     * the suggested mark.
     */
    String savePhoto(CurrentUser me, long id, long itemId, byte[] image) {
        Assignment assignment = ownTask(me, id);
        checkAnswerable(assignment);
        if (!assignment.itemsOf(me.id()).contains(itemId)) {
            throw ApiException.badRequest("assignment-item-not-in-it", itemId);
        }
        if (items.findRef(itemId).map(ItemRef::type).orElse(null) != ItemType.OPEN) {
            throw ApiException.badRequest("assignment-photo-open-items-only", itemId);
        }
        if (store.submission(id, me.id()).map(Submission::submittedAt).isPresent()) {
            throw ApiException.conflict("assignment-submitted", id);
        }
        PhotoReader.Reading reading = photos.read(me, itemId, image);
        store.savePhotoAnswer(id, me.id(), itemId, reading, image, clock.instant());
        live.changed(id);
        return reading.transcription();
    }

    /**
     * Submits the student's saved answers, once. A second submit changes nothing and answers with
     * the first.
     */
    @Transactional
    TaskView submit(CurrentUser me, long id) {
        Assignment assignment = ownTask(me, id);
        Optional<Submission> submission = store.submission(id, me.id());
        if (submission.map(Submission::submittedAt).isPresent()) {
            return forStudent(me, id);
        }
        checkAnswerable(assignment);
        if (submission.isEmpty()) {
            store.startSubmission(id, me.id());
        }
        handIn(assignment, me.id(), clock.instant());
        Db.afterCommit(() -> live.changed(id));
        return forStudent(me, id);
    }

    /**
     * Opens the student's next attempt at a handed-in assignment, when the teacher allows more:
     * the answers stay, to be changed and handed in again (the last attempt counts; every attempt's
     * answers count for mastery, as practice does).
     */
    @Transactional
    TaskView retry(CurrentUser me, long id) {
        Assignment assignment = ownTask(me, id);
        Submission submission = store.submission(id, me.id()).filter(s -> s.submittedAt() != null)
                .orElseThrow(() -> ApiException.conflict("assignment-not-handed-in", id));
        if (submission.attempt() >= assignment.attempts()) {
            throw ApiException.conflict("assignment-no-attempts-left", assignment.attempts());
        }
        checkAnswerable(assignment);
        store.reopen(id, me.id());
        suggester.forget(id, me.id());
        Db.afterCommit(() -> live.changed(id));
        return forStudent(me, id);
    }

    /** Hands in the saved answers of every student who started and did not submit (a live check being closed). */
    void handInSaved(Assignment assignment) {
        Instant now = clock.instant();
        store.submissions(assignment.id()).values().stream().filter(s -> s.submittedAt() == null)
                .forEach(s -> handIn(assignment, s.studentId(), now));
        Db.afterCommit(() -> live.changed(assignment.id()));
    }

    /**
     * Marks each of the student's saved answers from the key and records it with the mastery
     * update; typed answers to open items wait for the teacher, with a suggested mark asked for.
     */
    private void handIn(Assignment assignment, long studentId, Instant now) {
        Map<Long, String> saved = new HashMap<>();
        store.answers(assignment.id(), studentId).forEach(a -> saved.put(a.itemId(), a.answer()));
        List<NewResponse> recorded = new ArrayList<>();
        Map<Long, Boolean> marks = new LinkedHashMap<>();
        List<Long> open = new ArrayList<>();
        int marked = 0;
        int right = 0;
        Map<Long, ItemFacts> facts = items.factsOf(assignment.schoolId(), assignment.itemsOf(studentId));
        for (ItemFacts fact : facts.values()) {
            long itemId = fact.id();
            ItemRef item = Items.ref(assignment.schoolId(), fact);
            String answer = saved.get(itemId);
            Boolean correct = item.type() == ItemType.OPEN ? null : item.mark(answer == null ? "" : answer).orElse(false);
            if (correct == null && answer != null && !answer.isBlank()) {
                open.add(itemId);
            }
            if (correct != null) {
                marked++;
                right += correct ? 1 : 0;
                recorded.add(new NewResponse(assignment.schoolId(), studentId, itemId, correct, correct ? 1.0 : 0.0, answer,
                        null, ResponseSource.TYPED, now, assignment.id()));
            }
            marks.put(itemId, correct);
        }
        store.markAll(assignment.id(), studentId, marks, saved.keySet(), now);
        suggester.request(assignment.id(), studentId, open, now);
        boolean late = assignment.dueAt() != null && now.isAfter(assignment.dueAt());
        store.submit(assignment.id(), studentId, now, late, marked == 0 ? null : (double) right / marked);
        Set<Long> points = new LinkedHashSet<>();
        facts.values().forEach(fact -> points.addAll(fact.kpIds()));
        Map<Long, Double> before = mastery.masteryOf(assignment.schoolId(), studentId, points);
        responses.recordAll(recorded);
        store.recordMasteryChange(assignment.id(), studentId, before,
                mastery.masteryOf(assignment.schoolId(), studentId, points));
    }

    static Task task(Assignment assignment, Optional<Submission> submission, long studentId) {
        String state = submission.isEmpty() ? "NOT_STARTED"
                : submission.get().submittedAt() == null ? "IN_PROGRESS"
                : Boolean.TRUE.equals(submission.get().late()) ? "LATE" : "SUBMITTED";
        return new Task(assignment.id(), assignment.title(), assignment.note(), assignment.kind(), assignment.status(),
                assignment.opensAt(), assignment.dueAt(), state, submission.map(Submission::score).orElse(null),
                submission.map(Submission::submittedAt).orElse(null), assignment.itemsOf(studentId).size(),
                submission.map(Submission::attempt).orElse(1), assignment.attempts());
    }

    /** The keys show as the teacher chose, and never while another attempt may still be handed in. */
    private boolean showsKeys(Assignment assignment, int attempt) {
        boolean attemptsLeft = attempt < assignment.attempts() && assignment.status() == Status.PUBLISHED
                && (assignment.dueAt() == null || clock.instant().isBefore(assignment.dueAt()) || assignment.allowLate());
        return switch (assignment.showAnswers()) {
            case AFTER_SUBMIT -> !attemptsLeft;
            case AFTER_DUE -> assignment.dueAt() == null || clock.instant().isAfter(assignment.dueAt());
            case NEVER -> false;
        };
    }

    /** Open, published and, unless late work is allowed, not past due (409 otherwise). */
    private void checkAnswerable(Assignment assignment) {
        Instant now = clock.instant();
        if (assignment.status() == Status.CLOSED) {
            throw ApiException.conflict("assignment-closed", assignment.id());
        }
        if (assignment.opensAt() != null && now.isBefore(assignment.opensAt())) {
            throw ApiException.conflict("assignment-not-open", assignment.opensAt());
        }
        if (assignment.dueAt() != null && now.isAfter(assignment.dueAt()) && !assignment.allowLate()) {
            throw ApiException.conflict("assignment-past-due", assignment.dueAt());
        }
    }

    /** One of the student's own published assignments; anyone else's is not found. */
    private Assignment ownTask(CurrentUser me, long id) {
        requireStudent(me);
        return store.findForStudent(id, me.id()).filter(a -> a.schoolId() == me.schoolId() && a.status() != Status.DRAFT
                        && a.studentIds().contains(me.id()))
                .orElseThrow(() -> ApiException.notFound("assignment", id));
    }

    private static void requireStudent(CurrentUser me) {
        if (!me.is(Role.STUDENT)) {
            throw ApiException.forbidden("assignment-students-only");
        }
    }
}
