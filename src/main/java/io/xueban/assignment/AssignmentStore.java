package io.xueban.assignment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.insight.PhotoReader;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

/** Assignments, their parts and the students' submissions in the database. */
@Repository
class AssignmentStore {

    enum Status { DRAFT, PUBLISHED, CLOSED }

    enum Kind { HOMEWORK, LIVE }

    /** When a student sees the right answers: after submitting, after the due time, never. */
    enum ShowAnswers { AFTER_SUBMIT, AFTER_DUE, NEVER }

    /** Some of the students and the items they answer (students in order, a set so that finding one is quick). */
    record Part(int part, String label, List<Long> itemIds, Set<Long> studentIds) {
    }

    /**
     * @param itemIds every item of the assignment, in the order of its parts
     * @param studentIds every student it is for
     */
    record Assignment(long id, long schoolId, long classId, long createdBy, String title, String note, Kind kind,
            Long lessonPlanId, Status status, Instant opensAt, Instant dueAt, ShowAnswers showAnswers, boolean allowLate,
            int attempts, Instant createdAt, Instant publishedAt, List<Part> parts, List<Long> itemIds,
            List<Long> studentIds) {

        /** The items this student answers (none if the assignment is not for them). */
        List<Long> itemsOf(long studentId) {
            return parts.stream().filter(part -> part.studentIds().contains(studentId)).findFirst().map(Part::itemIds)
                    .orElse(List.of());
        }
    }

    /** A student's work: started with the first saved answer, handed in once per attempt. */
    record Submission(long studentId, Instant submittedAt, Boolean late, Double score, int attempt) {
    }

    /** @param correct marked at submission; null before, and for an open item until a teacher marks it */
    record SavedAnswer(long studentId, long itemId, String answer, Boolean correct) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    AssignmentStore(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    Optional<Assignment> find(long id) {
        return row(id).map(this::withParts);
    }

    /**
     * The assignment as one student sees it: only their own part (and them as its one student),
     * without reading the whole class's list; an assignment not for them has no parts.
     */
    Optional<Assignment> findForStudent(long id, long studentId) {
        return row(id).map(a -> {
            record Placed(int part, String label) {
            }
            List<Part> parts = jdbc.sql("""
                            SELECT s.part, p.label FROM assignment_student s
                            JOIN assignment_part p ON p.assignment_id = s.assignment_id AND p.part = s.part
                            WHERE s.assignment_id = ? AND s.student_id = ?""")
                    .params(id, studentId).query((rs, n) -> new Placed(rs.getInt(1), rs.getString(2))).optional()
                    .map(placed -> new Part(placed.part(), placed.label(),
                            jdbc.sql("SELECT item_id FROM assignment_part_item WHERE assignment_id = ? AND part = ? ORDER BY position")
                                    .params(id, placed.part()).query(Long.class).list(),
                            Set.of(studentId)))
                    .map(List::of).orElse(List.of());
            return with(a, parts);
        });
    }

    private Optional<Assignment> row(long id) {
        return jdbc.sql("SELECT * FROM assignment WHERE id = ?").param(id).query((rs, n) -> new Assignment(
                        rs.getLong("id"), rs.getLong("school_id"), rs.getLong("class_id"), rs.getLong("created_by"),
                        rs.getString("title"), rs.getString("note"), Kind.valueOf(rs.getString("kind")),
                        Db.nullableLong(rs, "lesson_plan_id"), Status.valueOf(rs.getString("status")),
                        Db.instant(rs, "opens_at"), Db.instant(rs, "due_at"), ShowAnswers.valueOf(rs.getString("show_answers")),
                        rs.getBoolean("allow_late"), rs.getInt("attempts"), Db.instant(rs, "created_at"),
                        Db.instant(rs, "published_at"), List.of(), List.of(), List.of()))
                .optional();
    }

    private Assignment withParts(Assignment a) {
        Map<Integer, String> labels = new LinkedHashMap<>();
        jdbc.sql("SELECT part, label FROM assignment_part WHERE assignment_id = ? ORDER BY part").param(a.id())
                .query(rs -> {
                    labels.put(rs.getInt(1), rs.getString(2));
                });
        Map<Integer, List<Long>> items = new HashMap<>();
        jdbc.sql("SELECT part, item_id FROM assignment_part_item WHERE assignment_id = ? ORDER BY part, position")
                .param(a.id()).query(rs -> {
                    items.computeIfAbsent(rs.getInt(1), p -> new ArrayList<>()).add(rs.getLong(2));
                });
        Map<Integer, List<Long>> students = new HashMap<>();
        jdbc.sql("SELECT part, student_id FROM assignment_student WHERE assignment_id = ? ORDER BY student_id")
                .param(a.id()).query(rs -> {
                    students.computeIfAbsent(rs.getInt(1), p -> new ArrayList<>()).add(rs.getLong(2));
                });
        List<Part> parts = new ArrayList<>();
        labels.forEach((part, label) -> parts.add(new Part(part, label, List.copyOf(items.getOrDefault(part, List.of())),
                orderedSet(students.getOrDefault(part, List.of())))));
        return with(a, parts);
    }

    static Set<Long> orderedSet(Collection<Long> ids) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(ids));
    }

    /** The assignment with these parts, and the items and students of all of them. */
    private static Assignment with(Assignment a, List<Part> parts) {
        LinkedHashSet<Long> allItems = new LinkedHashSet<>();
        List<Long> allStudents = new ArrayList<>();
        for (Part part : parts) {
            allItems.addAll(part.itemIds());
            allStudents.addAll(part.studentIds());
        }
        allStudents.sort(null);
        return new Assignment(a.id(), a.schoolId(), a.classId(), a.createdBy(), a.title(), a.note(), a.kind(),
                a.lessonPlanId(), a.status(), a.opensAt(), a.dueAt(), a.showAnswers(), a.allowLate(), a.attempts(),
                a.createdAt(), a.publishedAt(), List.copyOf(parts), List.copyOf(allItems), List.copyOf(allStudents));
    }

    long insert(long schoolId, long classId, long createdBy, String title, Kind kind, Instant now) {
        return Db.insert(jdbc, """
                        INSERT INTO assignment (school_id, class_id, created_by, title, kind, status, show_answers, allow_late,
                            created_at) VALUES (?, ?, ?, ?, ?, 'DRAFT', 'AFTER_SUBMIT', FALSE, ?)""",
                schoolId, classId, createdBy, title, kind.name(), Db.utc(now));
    }

    /** Replaces the assignment's settings and parts. */
    void write(long id, String title, String note, Kind kind, Long lessonPlanId, Instant opensAt, Instant dueAt,
            ShowAnswers showAnswers, boolean allowLate, int attempts, List<Part> parts) {
        jdbc.sql("""
                        UPDATE assignment SET title = ?, note = ?, kind = ?, lesson_plan_id = ?, opens_at = ?, due_at = ?,
                            show_answers = ?, allow_late = ?, attempts = ? WHERE id = ?""")
                .params(title, note, kind.name(), lessonPlanId, utc(opensAt), utc(dueAt), showAnswers.name(), allowLate,
                        attempts, id)
                .update();
        jdbc.sql("DELETE FROM assignment_student WHERE assignment_id = ?").param(id).update();
        jdbc.sql("DELETE FROM assignment_part WHERE assignment_id = ?").param(id).update();
        List<Object[]> items = new ArrayList<>();
        List<Object[]> students = new ArrayList<>();
        for (Part part : parts) {
            jdbc.sql("INSERT INTO assignment_part (assignment_id, part, label) VALUES (?, ?, ?)")
                    .params(id, part.part(), part.label()).update();
            for (int i = 0; i < part.itemIds().size(); i++) {
                items.add(new Object[] {id, part.part(), i, part.itemIds().get(i)});
            }
            for (long student : part.studentIds()) {
                students.add(new Object[] {id, student, part.part()});
            }
        }
        batch.batchUpdate("INSERT INTO assignment_part_item (assignment_id, part, position, item_id) VALUES (?, ?, ?, ?)", items);
        batch.batchUpdate("INSERT INTO assignment_student (assignment_id, student_id, part) VALUES (?, ?, ?)", students);
    }

    void setStatus(long id, Status status, Instant publishedAt) {
        jdbc.sql("UPDATE assignment SET status = ?, published_at = COALESCE(?, published_at) WHERE id = ?")
                .params(status.name(), utc(publishedAt), id).update();
    }

    /** Records a reminder now unless one was sent after {@code since}; false if one was. */
    boolean markReminded(long id, Instant now, Instant since) {
        return jdbc.sql("UPDATE assignment SET reminded_at = ? WHERE id = ? AND (reminded_at IS NULL OR reminded_at < ?)")
                .params(Db.utc(now), id, Db.utc(since)).update() == 1;
    }

    void delete(long id) {
        jdbc.sql("DELETE FROM assignment WHERE id = ?").param(id).update();
    }

    List<Long> idsOfClass(long classId) {
        return jdbc.sql("SELECT id FROM assignment WHERE class_id = ? ORDER BY created_at DESC, id DESC").param(classId)
                .query(Long.class).list();
    }

    /** The student's published and closed assignments, those due soonest first. */
    List<Long> idsForStudent(long studentId) {
        return jdbc.sql("""
                        SELECT a.id FROM assignment a JOIN assignment_student s ON s.assignment_id = a.id
                        WHERE s.student_id = ? AND a.status <> 'DRAFT' ORDER BY a.due_at, a.id""")
                .param(studentId).query(Long.class).list();
    }

    boolean answered(long id) {
        return jdbc.sql("SELECT COUNT(*) FROM submission WHERE assignment_id = ?").param(id).query(Integer.class).single() > 0;
    }

    Optional<Submission> submission(long id, long studentId) {
        return jdbc.sql("SELECT student_id, submitted_at, late, score, attempt FROM submission WHERE assignment_id = ? AND student_id = ?")
                .params(id, studentId).query((rs, n) -> submission(rs)).optional();
    }

    /** Every submission of the assignment by student. */
    Map<Long, Submission> submissions(long id) {
        Map<Long, Submission> found = new HashMap<>();
        jdbc.sql("SELECT student_id, submitted_at, late, score, attempt FROM submission WHERE assignment_id = ?").param(id)
                .query((rs, n) -> submission(rs)).list().forEach(s -> found.put(s.studentId(), s));
        return found;
    }

    private static Submission submission(ResultSet rs) throws SQLException {
        return new Submission(rs.getLong("student_id"), Db.instant(rs, "submitted_at"), Db.nullableBoolean(rs, "late"),
                Db.nullableDouble(rs, "score"), rs.getInt("attempt"));
    }

    /** The answers saved to the assignment, one student's or (studentId null) everybody's. */
    List<SavedAnswer> answers(long id, Long studentId) {
        return jdbc.sql("""
                        SELECT student_id, item_id, answer, correct FROM submission_answer
                        WHERE assignment_id = ? AND (CAST(? AS BIGINT) IS NULL OR student_id = ?)""")
                .params(id, studentId, studentId)
                .query((rs, n) -> new SavedAnswer(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        Db.nullableBoolean(rs, "correct")))
                .list();
    }

    /** Starts the student's submission (a request racing this one may have started it: then nothing happens). */
    void startSubmission(long id, long studentId) {
        jdbc.sql("INSERT INTO submission (assignment_id, student_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(id, studentId).update();
    }

    /** Saves the answer, over an earlier one (also when two saves of the same item race). */
    void saveAnswer(long id, long studentId, long itemId, String answer, Instant at) {
        String update = "UPDATE submission_answer SET answer = ?, saved_at = ? WHERE assignment_id = ? AND student_id = ? AND item_id = ?";
        if (jdbc.sql(update).params(answer, Db.utc(at), id, studentId, itemId).update() == 0
                && jdbc.sql("""
                                INSERT INTO submission_answer (assignment_id, student_id, item_id, answer, saved_at)
                                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                        .params(id, studentId, itemId, answer, Db.utc(at)).update() == 0) {
            jdbc.sql(update).params(answer, Db.utc(at), id, studentId, itemId).update();
        }
    }

    /**
     * Stores the marks of a hand-in in two statements: on the answers saved, and as rows for the
     * items left unanswered ({@code saved} names the items that have a row).
     */
    void markAll(long id, long studentId, Map<Long, Boolean> marks, Set<Long> saved, Instant at) {
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        marks.forEach((item, correct) -> {
            if (saved.contains(item)) {
                updates.add(new Object[] {correct, id, studentId, item});
            } else {
                inserts.add(new Object[] {id, studentId, item, correct, Db.utc(at)});
            }
        });
        batch.batchUpdate("UPDATE submission_answer SET correct = ? WHERE assignment_id = ? AND student_id = ? AND item_id = ?",
                updates);
        batch.batchUpdate("INSERT INTO submission_answer (assignment_id, student_id, item_id, answer, correct, saved_at)"
                + " VALUES (?, ?, ?, NULL, ?, ?)", inserts);
    }

    /** A photo of written work given as an answer, with the mark the model suggests and why. */
    record Photo(long studentId, long itemId, boolean suggestedCorrect, String feedback) {
    }

    /**
     * Saves what was read in a photo as the student's answer to the item, and the photo with it
     * (over earlier ones), in one transaction; 409 if the student handed in meanwhile.
     */
    @Transactional
    void savePhotoAnswer(long id, long studentId, long itemId, PhotoReader.Reading reading, byte[] image, Instant at) {
        Optional<Submission> submission = submission(id, studentId);
        if (submission.map(Submission::submittedAt).isPresent()) {
            throw ApiException.conflict("assignment-submitted", id);
        }
        if (submission.isEmpty()) {
            startSubmission(id, studentId);
        }
        saveAnswer(id, studentId, itemId, reading.transcription(), at);
        jdbc.sql("DELETE FROM submission_photo WHERE assignment_id = ? AND student_id = ? AND item_id = ?")
                .params(id, studentId, itemId).update();
        jdbc.sql("""
                        INSERT INTO submission_photo (assignment_id, student_id, item_id, media_type, image, transcription,
                            suggested_correct, confidence, feedback, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, studentId, itemId, reading.mediaType(), image, truncate(reading.transcription(), 8000),
                        reading.suggestedCorrect(), reading.confidence(), truncate(reading.feedback(), 4000), Db.utc(at))
                .update();
    }

    /** The photos of an assignment's answers, by student and item. */
    Map<String, Photo> photos(long id) {
        Map<String, Photo> photos = new HashMap<>();
        jdbc.sql("""
                        SELECT student_id, item_id, suggested_correct, feedback FROM submission_photo WHERE assignment_id = ?""")
                .param(id)
                .query((rs, n) -> new Photo(rs.getLong(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4)))
                .list().forEach(photo -> photos.put(photo.studentId() + ":" + photo.itemId(), photo));
        return photos;
    }

    /** The items the student answered with a photo. */
    Set<Long> photoItems(long id, long studentId) {
        return new HashSet<>(jdbc.sql("SELECT item_id FROM submission_photo WHERE assignment_id = ? AND student_id = ?")
                .params(id, studentId).query((rs, n) -> rs.getLong(1)).list());
    }

    /** The image and its media type, if the student answered the item with a photo. */
    Optional<Map.Entry<String, byte[]>> photoImage(long id, long studentId, long itemId) {
        return jdbc.sql("SELECT media_type, image FROM submission_photo WHERE assignment_id = ? AND student_id = ? AND item_id = ?")
                .params(id, studentId, itemId)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getBytes(2))).optional();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /** A handed-in answer still to be marked by a teacher (an open item). */
    record Unmarked(long assignmentId, String title, long studentId, long itemId, String answer, Instant submittedAt) {
    }

    /** The handed-in answers of a class's assignments (or one of them) that wait for a teacher's mark, oldest first. */
    List<Unmarked> unmarked(long classId, Long assignmentId) {
        return jdbc.sql("""
                        SELECT a.id, a.title, s.student_id, x.item_id, x.answer, s.submitted_at
                        FROM assignment a JOIN submission s ON s.assignment_id = a.id
                        JOIN submission_answer x ON x.assignment_id = s.assignment_id AND x.student_id = s.student_id
                        WHERE a.class_id = ? AND (CAST(? AS BIGINT) IS NULL OR a.id = ?)
                          AND s.submitted_at IS NOT NULL AND x.correct IS NULL
                        ORDER BY s.submitted_at, a.id, s.student_id, x.item_id""")
                .params(classId, assignmentId, assignmentId)
                .query((rs, n) -> new Unmarked(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                        Db.instant(rs, "submitted_at")))
                .list();
    }

    /** Marks a handed-in answer not yet marked and scores the submission again; false if it was marked already. */
    boolean markHandedIn(long id, long studentId, long itemId, boolean correct) {
        int updated = jdbc.sql("""
                        UPDATE submission_answer SET correct = ?
                        WHERE assignment_id = ? AND student_id = ? AND item_id = ? AND correct IS NULL""")
                .params(correct, id, studentId, itemId).update();
        if (updated == 0) {
            return false;
        }
        jdbc.sql("""
                        UPDATE submission SET score = (
                            SELECT CAST(SUM(CASE WHEN x.correct THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / COUNT(x.correct)
                            FROM submission_answer x WHERE x.assignment_id = ? AND x.student_id = ? AND x.correct IS NOT NULL)
                        WHERE assignment_id = ? AND student_id = ?""")
                .params(id, studentId, id, studentId).update();
        return true;
    }

    /**
     * Records what handing in (or a teacher's later mark) did to the student's mastery of these
     * points: a point seen before keeps its first "before" and takes the new "after".
     */
    void recordMasteryChange(long id, long studentId, Map<Long, Double> before, Map<Long, Double> after) {
        for (Map.Entry<Long, Double> point : after.entrySet()) {
            if (jdbc.sql("UPDATE submission_point SET mastery_after = ? WHERE assignment_id = ? AND student_id = ? AND kp_id = ?")
                    .params(point.getValue(), id, studentId, point.getKey()).update() == 0) {
                jdbc.sql("""
                                INSERT INTO submission_point (assignment_id, student_id, kp_id, mastery_before, mastery_after)
                                VALUES (?, ?, ?, ?, ?)""")
                        .params(id, studentId, point.getKey(), before.getOrDefault(point.getKey(), point.getValue()),
                                point.getValue())
                        .update();
            }
        }
    }

    /** Per point tested: the students handed in, their mean mastery before and after. */
    record PointChange(long kpId, int students, double meanBefore, double meanAfter) {
    }

    List<PointChange> masteryChanges(long id) {
        return jdbc.sql("""
                        SELECT kp_id, COUNT(*), AVG(mastery_before), AVG(mastery_after) FROM submission_point
                        WHERE assignment_id = ? GROUP BY kp_id ORDER BY kp_id""")
                .param(id)
                .query((rs, n) -> new PointChange(rs.getLong(1), rs.getInt(2), rs.getDouble(3), rs.getDouble(4)))
                .list();
    }

    /** Opens the next attempt: the answers stay, to be changed, and wait for marks again. */
    void reopen(long id, long studentId) {
        jdbc.sql("""
                        UPDATE submission SET submitted_at = NULL, late = NULL, score = NULL, attempt = attempt + 1
                        WHERE assignment_id = ? AND student_id = ?""").params(id, studentId).update();
        jdbc.sql("UPDATE submission_answer SET correct = NULL WHERE assignment_id = ? AND student_id = ?")
                .params(id, studentId).update();
    }

    void submit(long id, long studentId, Instant at, boolean late, Double score) {
        jdbc.sql("UPDATE submission SET submitted_at = ?, late = ?, score = ? WHERE assignment_id = ? AND student_id = ?")
                .params(Db.utc(at), late, score, id, studentId).update();
    }

    private static Object utc(Instant instant) {
        return instant == null ? null : Db.utc(instant);
    }
}
