package io.xueban.assignment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemRef;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.insight.NewResponse;
import io.xueban.insight.ResponseSource;
import io.xueban.insight.Responses;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.Accounts;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * Assignments (作业与课堂检测): a teacher gives items to students of a class they teach; each
 * student saves answers on the way and submits once; a submitted answer is marked from the key
 * and recorded like any other answer (one transaction with the mastery update), so the class
 * dashboard and the student's path follow. Open items wait for a teacher's mark.
 */
@Service
class Assignments {

    enum Status { DRAFT, PUBLISHED, CLOSED }

    /** When a student sees the right answers: after submitting, after the due time, never. */
    enum ShowAnswers { AFTER_SUBMIT, AFTER_DUE, NEVER }

    record Assignment(long id, long schoolId, long classId, long createdBy, String title, String note, Status status,
            Instant opensAt, Instant dueAt, ShowAnswers showAnswers, boolean allowLate, Instant createdAt,
            Instant publishedAt, List<Long> itemIds, List<Long> studentIds) {
    }

    /** An item as a student answering sees it: never its key. */
    record TaskItem(long itemId, String code, String type, String stem, List<String> options) {
    }

    /** One item after submission: the student's answer, the mark, and the key when the settings allow. */
    record Feedback(long itemId, String answer, Boolean correct, String rightAnswer) {
    }

    /** @param state NOT_STARTED, IN_PROGRESS, SUBMITTED or LATE */
    record Task(long assignmentId, String title, String note, Status status, Instant opensAt, Instant dueAt,
            String state, Double score, Instant submittedAt) {
    }

    record TaskView(Task task, List<TaskItem> items, Map<Long, String> saved, List<Feedback> feedback) {
    }

    /** @param state MISSING, IN_PROGRESS, SUBMITTED or LATE */
    record StudentResult(long studentId, String username, String name, String state, Double score, Instant submittedAt) {
    }

    record ItemResult(long itemId, String code, int answered, int right) {
    }

    record Results(long assignmentId, String title, int students, int submitted, List<StudentResult> byStudent,
            List<ItemResult> byItem) {
    }

    private final JdbcClient jdbc;
    private final AccessPolicy policy;
    private final Items items;
    private final Roster roster;
    private final Responses responses;
    private final Accounts accounts;
    private final Clock clock;

    Assignments(JdbcClient jdbc, AccessPolicy policy, Items items, Roster roster, Responses responses, Accounts accounts,
            Clock clock) {
        this.jdbc = jdbc;
        this.policy = policy;
        this.items = items;
        this.roster = roster;
        this.responses = responses;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** A draft for a class the teacher teaches: its items, and the class's students unless some are named. */
    @Transactional
    Assignment create(CurrentUser me, AssignmentRequest request) {
        policy.checkClass(me, request.classId());
        long id = Db.insert(jdbc, """
                        INSERT INTO assignment (school_id, class_id, created_by, title, status, show_answers, allow_late,
                            created_at) VALUES (?, ?, ?, ?, 'DRAFT', 'AFTER_SUBMIT', FALSE, ?)""",
                me.schoolId(), request.classId(), me.id(), request.title().strip(), Db.utc(clock.instant()));
        write(me, id, request);
        return find(id).orElseThrow();
    }

    /** Changes an assignment (its class stays) as long as nobody has answered it. */
    @Transactional
    Assignment update(CurrentUser me, long id, AssignmentRequest request) {
        Assignment assignment = forStaff(me, id);
        if (request.classId() != assignment.classId()) {
            throw ApiException.badRequest("assignment-class-fixed");
        }
        if (answered(id)) {
            throw ApiException.conflict("assignment-answered", id);
        }
        if (assignment.status() == Status.CLOSED) {
            throw ApiException.conflict("assignment-closed", id);
        }
        write(me, id, request);
        return find(id).orElseThrow();
    }

    /** Checks a request and stores it as the assignment's fields, items and students. */
    private void write(CurrentUser me, long id, AssignmentRequest request) {
        List<Long> itemIds = List.copyOf(new LinkedHashSet<>(request.itemIds()));
        for (long itemId : itemIds) {
            items.findRef(itemId).filter(item -> item.schoolId() == me.schoolId())
                    .orElseThrow(() -> ApiException.badRequest("assignment-unknown-item", itemId));
        }
        List<Long> enrolled = roster.studentIdsOf(request.classId());
        List<Long> students = request.studentIds() == null || request.studentIds().isEmpty() ? enrolled
                : List.copyOf(new LinkedHashSet<>(request.studentIds()));
        for (long student : students) {
            if (!enrolled.contains(student)) {
                throw ApiException.forbidden("assignment-student-not-in-class", student);
            }
        }
        if (students.isEmpty()) {
            throw ApiException.badRequest("assignment-no-students");
        }
        Instant now = clock.instant();
        if (request.dueAt() != null && !request.dueAt().isAfter(now)) {
            throw ApiException.badRequest("assignment-due-in-past");
        }
        if (request.opensAt() != null && request.dueAt() != null && !request.opensAt().isBefore(request.dueAt())) {
            throw ApiException.badRequest("assignment-opens-after-due");
        }
        jdbc.sql("""
                        UPDATE assignment SET title = ?, note = ?, opens_at = ?, due_at = ?, show_answers = ?, allow_late = ?
                        WHERE id = ?""")
                .params(request.title().strip(), blankToNull(request.note()), utc(request.opensAt()), utc(request.dueAt()),
                        (request.showAnswers() == null ? ShowAnswers.AFTER_SUBMIT : request.showAnswers()).name(),
                        Boolean.TRUE.equals(request.allowLate()), id)
                .update();
        jdbc.sql("DELETE FROM assignment_item WHERE assignment_id = ?").param(id).update();
        jdbc.sql("DELETE FROM assignment_student WHERE assignment_id = ?").param(id).update();
        for (int i = 0; i < itemIds.size(); i++) {
            jdbc.sql("INSERT INTO assignment_item (assignment_id, position, item_id) VALUES (?, ?, ?)")
                    .params(id, i, itemIds.get(i)).update();
        }
        for (long student : students) {
            jdbc.sql("INSERT INTO assignment_student (assignment_id, student_id) VALUES (?, ?)").params(id, student).update();
        }
    }

    private boolean answered(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM submission WHERE assignment_id = ?").param(id).query(Integer.class).single() > 0;
    }

    /** A draft goes out to its students (and shows in their tasks from its opening time). */
    @Transactional
    Assignment publish(CurrentUser me, long id) {
        Assignment assignment = forStaff(me, id);
        if (assignment.status() != Status.DRAFT) {
            throw ApiException.conflict("assignment-not-draft", id);
        }
        if (assignment.dueAt() != null && !assignment.dueAt().isAfter(clock.instant())) {
            throw ApiException.badRequest("assignment-due-in-past");
        }
        jdbc.sql("UPDATE assignment SET status = 'PUBLISHED', published_at = ? WHERE id = ?")
                .params(Db.utc(clock.instant()), id).update();
        return find(id).orElseThrow();
    }

    /** No more answers are taken. */
    @Transactional
    Assignment close(CurrentUser me, long id) {
        Assignment assignment = forStaff(me, id);
        if (assignment.status() != Status.PUBLISHED) {
            throw ApiException.conflict("assignment-not-published", id);
        }
        jdbc.sql("UPDATE assignment SET status = 'CLOSED' WHERE id = ?").param(id).update();
        return find(id).orElseThrow();
    }

    /** Cancels an assignment nobody has answered yet: it is gone. */
    @Transactional
    void delete(CurrentUser me, long id) {
        forStaff(me, id);
        if (answered(id)) {
            throw ApiException.conflict("assignment-answered", id);
        }
        jdbc.sql("DELETE FROM assignment WHERE id = ?").param(id).update();
    }

    /** The assignments of a class, newest first (its teachers and admins). */
    List<Assignment> ofClass(CurrentUser me, long classId) {
        policy.checkClass(me, classId);
        return jdbc.sql("SELECT id FROM assignment WHERE class_id = ? ORDER BY created_at DESC, id DESC").param(classId)
                .query(Long.class).list().stream().map(id -> find(id).orElseThrow()).toList();
    }

    /** A teacher's view: the assignment with its items (keys included, as in the item bank). */
    Assignment forStaff(CurrentUser me, long id) {
        Assignment assignment = find(id).orElseThrow(() -> ApiException.notFound("assignment", id));
        policy.checkSameSchool(me, assignment.schoolId(), "assignment", id);
        policy.checkClass(me, assignment.classId());
        return assignment;
    }

    /** The student's published assignments, those due soonest first. */
    List<Task> tasks(CurrentUser me) {
        requireStudent(me);
        List<Long> ids = jdbc.sql("""
                        SELECT a.id FROM assignment a JOIN assignment_student s ON s.assignment_id = a.id
                        WHERE s.student_id = ? AND a.status <> 'DRAFT' ORDER BY a.due_at, a.id""")
                .param(me.id()).query(Long.class).list();
        return ids.stream().map(id -> task(find(id).orElseThrow(), me.id())).toList();
    }

    /** A student's view of one of their assignments: the items, their saved answers, and feedback once submitted. */
    TaskView forStudent(CurrentUser me, long id) {
        Assignment assignment = ownTask(me, id);
        List<TaskItem> taskItems = new ArrayList<>();
        for (long itemId : assignment.itemIds()) {
            ItemFacts facts = items.findFacts(me.schoolId(), itemId).orElseThrow();
            taskItems.add(new TaskItem(itemId, facts.code(), facts.type().name(), facts.stem(), facts.options()));
        }
        Map<Long, String> saved = new HashMap<>();
        Map<Long, Boolean> marks = new HashMap<>();
        jdbc.sql("SELECT item_id, answer, correct FROM submission_answer WHERE assignment_id = ? AND student_id = ?")
                .params(id, me.id()).query(rs -> {
                    saved.put(rs.getLong(1), rs.getString(2));
                    marks.put(rs.getLong(1), Db.nullableBoolean(rs, "correct"));
                });
        Task task = task(assignment, me.id());
        List<Feedback> feedback = List.of();
        if (task.state().equals("SUBMITTED") || task.state().equals("LATE")) {
            boolean keys = showsKeys(assignment);
            feedback = assignment.itemIds().stream().map(itemId -> new Feedback(itemId, saved.get(itemId),
                    marks.get(itemId), keys ? items.findRef(itemId).map(ItemRef::answerKey).orElse(null) : null)).toList();
        }
        return new TaskView(task, taskItems, saved, feedback);
    }

    /** Saves one answer on the way (the last one saved counts at submission). */
    @Transactional
    void save(CurrentUser me, long id, long itemId, String answer) {
        Assignment assignment = ownTask(me, id);
        checkAnswerable(assignment);
        if (!assignment.itemIds().contains(itemId)) {
            throw ApiException.badRequest("assignment-item-not-in-it", itemId);
        }
        if (submittedAt(id, me.id()) != null) {
            throw ApiException.conflict("assignment-submitted", id);
        }
        startSubmission(id, me.id());
        Instant now = clock.instant();
        if (jdbc.sql("UPDATE submission_answer SET answer = ?, saved_at = ? WHERE assignment_id = ? AND student_id = ? AND item_id = ?")
                .params(answer, Db.utc(now), id, me.id(), itemId).update() == 0) {
            jdbc.sql("INSERT INTO submission_answer (assignment_id, student_id, item_id, answer, saved_at) VALUES (?, ?, ?, ?, ?)")
                    .params(id, me.id(), itemId, answer, Db.utc(now)).update();
        }
    }

    /**
     * Submits the student's saved answers, once: each is marked from the key and recorded with
     * the mastery update; an open item waits for a teacher. A second submit changes nothing and
     * answers with the first.
     */
    @Transactional
    TaskView submit(CurrentUser me, long id) {
        Assignment assignment = ownTask(me, id);
        if (submittedAt(id, me.id()) != null) {
            return forStudent(me, id);
        }
        checkAnswerable(assignment);
        startSubmission(id, me.id());
        Instant now = clock.instant();
        Map<Long, String> saved = new HashMap<>();
        jdbc.sql("SELECT item_id, answer FROM submission_answer WHERE assignment_id = ? AND student_id = ?")
                .params(id, me.id()).query(rs -> {
                    saved.put(rs.getLong(1), rs.getString(2));
                });
        List<NewResponse> recorded = new ArrayList<>();
        int marked = 0;
        int right = 0;
        for (long itemId : assignment.itemIds()) {
            ItemRef item = items.findRef(itemId).orElseThrow();
            String answer = saved.get(itemId);
            Boolean correct = item.type() == ItemType.OPEN ? null
                    : item.mark(answer == null ? "" : answer).orElse(false);
            if (correct != null) {
                marked++;
                right += correct ? 1 : 0;
                recorded.add(new NewResponse(me.schoolId(), me.id(), itemId, correct, correct ? 1.0 : 0.0, answer, null,
                        ResponseSource.TYPED, now));
            }
            if (jdbc.sql("UPDATE submission_answer SET correct = ? WHERE assignment_id = ? AND student_id = ? AND item_id = ?")
                    .params(correct, id, me.id(), itemId).update() == 0) {
                jdbc.sql("INSERT INTO submission_answer (assignment_id, student_id, item_id, answer, correct, saved_at)"
                        + " VALUES (?, ?, ?, NULL, ?, ?)").params(id, me.id(), itemId, correct, Db.utc(now)).update();
            }
        }
        boolean late = assignment.dueAt() != null && now.isAfter(assignment.dueAt());
        jdbc.sql("UPDATE submission SET submitted_at = ?, late = ?, score = ? WHERE assignment_id = ? AND student_id = ?")
                .params(Db.utc(now), late, marked == 0 ? null : (double) right / marked, id, me.id()).update();
        responses.recordAll(recorded);
        return forStudent(me, id);
    }

    /** Who did what: each targeted student's state and score, and each item's share right. */
    Results results(CurrentUser me, long id) {
        Assignment assignment = forStaff(me, id);
        Map<Long, String> names = roster.studentNamesOf(assignment.classId());
        List<StudentResult> byStudent = new ArrayList<>();
        int submitted = 0;
        for (long student : assignment.studentIds()) {
            Task task = task(assignment, student);
            String state = task.state().equals("NOT_STARTED") ? "MISSING" : task.state();
            submitted += state.equals("SUBMITTED") || state.equals("LATE") ? 1 : 0;
            byStudent.add(new StudentResult(student, accounts.findById(student).map(Accounts.Account::username).orElse(null),
                    names.get(student), state, task.score(), task.submittedAt()));
        }
        List<ItemResult> byItem = new ArrayList<>();
        for (long itemId : assignment.itemIds()) {
            int[] counts = jdbc.sql("""
                            SELECT COUNT(a.correct), SUM(CASE WHEN a.correct THEN 1 ELSE 0 END) FROM submission_answer a
                            JOIN submission s ON s.assignment_id = a.assignment_id AND s.student_id = a.student_id
                            WHERE a.assignment_id = ? AND a.item_id = ? AND s.submitted_at IS NOT NULL""")
                    .params(id, itemId).query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)}).single();
            byItem.add(new ItemResult(itemId, items.findRef(itemId).map(ItemRef::code).orElse(null), counts[0], counts[1]));
        }
        return new Results(id, assignment.title(), assignment.studentIds().size(), submitted, byStudent, byItem);
    }

    private record Submission(Instant submittedAt, Boolean late, Double score) {
    }

    private Task task(Assignment assignment, long studentId) {
        Optional<Submission> submission = jdbc.sql(
                        "SELECT submitted_at, late, score FROM submission WHERE assignment_id = ? AND student_id = ?")
                .params(assignment.id(), studentId)
                .query((rs, n) -> new Submission(Db.instant(rs, "submitted_at"), Db.nullableBoolean(rs, "late"),
                        Db.nullableDouble(rs, "score")))
                .optional();
        String state = submission.isEmpty() ? "NOT_STARTED"
                : submission.get().submittedAt() == null ? "IN_PROGRESS"
                : Boolean.TRUE.equals(submission.get().late()) ? "LATE" : "SUBMITTED";
        return new Task(assignment.id(), assignment.title(), assignment.note(), assignment.status(), assignment.opensAt(),
                assignment.dueAt(), state, submission.map(Submission::score).orElse(null),
                submission.map(Submission::submittedAt).orElse(null));
    }

    private boolean showsKeys(Assignment assignment) {
        return switch (assignment.showAnswers()) {
            case AFTER_SUBMIT -> true;
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
        return find(id).filter(a -> a.schoolId() == me.schoolId() && a.status() != Status.DRAFT
                        && a.studentIds().contains(me.id()))
                .orElseThrow(() -> ApiException.notFound("assignment", id));
    }

    private static void requireStudent(CurrentUser me) {
        if (!me.is(Role.STUDENT)) {
            throw ApiException.forbidden("assignment-students-only");
        }
    }

    private void startSubmission(long id, long studentId) {
        if (jdbc.sql("SELECT COUNT(*) FROM submission WHERE assignment_id = ? AND student_id = ?").params(id, studentId)
                .query(Integer.class).single() == 0) {
            jdbc.sql("INSERT INTO submission (assignment_id, student_id) VALUES (?, ?)").params(id, studentId).update();
        }
    }

    private Instant submittedAt(long id, long studentId) {
        return jdbc.sql("SELECT submitted_at FROM submission WHERE assignment_id = ? AND student_id = ?")
                .params(id, studentId).query((rs, n) -> Db.instant(rs, "submitted_at")).optional().orElse(null);
    }

    Optional<Assignment> find(long id) {
        return jdbc.sql("SELECT * FROM assignment WHERE id = ?").param(id).query((rs, n) -> new Assignment(
                        rs.getLong("id"), rs.getLong("school_id"), rs.getLong("class_id"), rs.getLong("created_by"),
                        rs.getString("title"), rs.getString("note"), Status.valueOf(rs.getString("status")),
                        Db.instant(rs, "opens_at"), Db.instant(rs, "due_at"), ShowAnswers.valueOf(rs.getString("show_answers")),
                        rs.getBoolean("allow_late"), Db.instant(rs, "created_at"), Db.instant(rs, "published_at"),
                        List.of(), List.of()))
                .optional()
                .map(a -> new Assignment(a.id(), a.schoolId(), a.classId(), a.createdBy(), a.title(), a.note(), a.status(),
                        a.opensAt(), a.dueAt(), a.showAnswers(), a.allowLate(), a.createdAt(), a.publishedAt(),
                        jdbc.sql("SELECT item_id FROM assignment_item WHERE assignment_id = ? ORDER BY position").param(id)
                                .query(Long.class).list(),
                        jdbc.sql("SELECT student_id FROM assignment_student WHERE assignment_id = ? ORDER BY student_id")
                                .param(id).query(Long.class).list()));
    }

    private static Object utc(Instant instant) {
        return instant == null ? null : Db.utc(instant);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
