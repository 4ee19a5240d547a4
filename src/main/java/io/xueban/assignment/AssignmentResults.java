package io.xueban.assignment;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Service;

import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.assignment.AssignmentStore.Part;
import io.xueban.assignment.AssignmentStore.SavedAnswer;
import io.xueban.assignment.AssignmentStore.Status;
import io.xueban.assignment.AssignmentStore.Submission;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemRef;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.knowledge.KnowledgeQuery;
import io.xueban.knowledge.KnowledgeRetriever;
import io.xueban.school.Roster;
import io.xueban.security.CurrentUser;

/**
 * What a teacher reads of an assignment: results per student and item, the live view of an
 * in-class check (saved answers marked as they come, before anyone submits), and the 讲评 view
 * (items hardest for the class first, with the wrong answers many chose and library passages on
 * them). Every figure is counted from the stored answers.
 */
@Service
class AssignmentResults {

    /** @param state MISSING, IN_PROGRESS, SUBMITTED or LATE; part the label of the student's part; attempt the last one */
    record StudentResult(long studentId, String username, String name, String part, String state, Double score,
            Instant submittedAt, int attempt) {
    }

    record ItemResult(long itemId, String code, String stem, int answered, int right) {
    }

    /**
     * A point the assignment tests: the share right of the handed-in answers on its items, and the
     * mean chance of mastery of the students who handed in, just before and after.
     */
    record PointResult(long kpId, String code, String name, int students, int answered, int right, Double masteryBefore,
            Double masteryAfter) {
    }

    record Results(long assignmentId, String title, AssignmentStore.Kind kind, Status status, int students, int submitted,
            int late, int missing, List<StudentResult> byStudent, List<ItemResult> byItem, List<PointResult> byPoint) {
    }

    /** A wrong answer ("" for an item handed in blank) and who gave it; the option's text for a single choice letter. */
    record WrongAnswer(String answer, String optionText, int count, List<String> students) {
    }

    record LiveItem(long itemId, String code, String stem, List<String> options, int answered, int right,
            List<WrongAnswer> wrong) {
    }

    /**
     * @param started students who saved an answer or submitted
     * @param notStarted the names of those who have not begun
     * @param asOf when the view was counted
     */
    record LiveView(long assignmentId, String title, Status status, int students, int started, int submitted,
            List<String> notStarted, List<LiveItem> items, Instant asOf) {
    }

    /** A library passage on a wrong answer, with its citation. */
    record ReviewPassage(long documentId, String title, String citation, String excerpt) {
    }

    /** @param shareRight among the students who answered it; null when nobody has */
    record ReviewItem(long itemId, String code, String stem, List<String> options, String answerKey, String explanation,
            int answered, Double shareRight, List<WrongAnswer> commonWrong, List<ReviewPassage> passages) {
    }

    record Review(long assignmentId, String title, List<ReviewItem> items) {
    }

    /** A wrong answer is common when at least this share of those answering the item gave it. */
    static final double COMMON_WRONG_SHARE = 0.1;

    private final AssignmentStore store;
    private final Items items;
    private final Roster roster;
    private final KnowledgePoints knowledgePoints;
    private final KnowledgeRetriever library;
    private final Clock clock;

    AssignmentResults(AssignmentStore store, Items items, Roster roster, KnowledgePoints knowledgePoints,
            KnowledgeRetriever library, Clock clock) {
        this.store = store;
        this.knowledgePoints = knowledgePoints;
        this.items = items;
        this.roster = roster;
        this.library = library;
        this.clock = clock;
    }

    /** Who did what: each targeted student's state and score, and each item's share right among submissions. */
    Results results(Assignment assignment) {
        Map<Long, Roster.ClassStudent> students = students(assignment);
        Map<Long, Submission> submissions = store.submissions(assignment.id());
        Map<Long, String> partOf = partLabels(assignment);
        List<StudentResult> byStudent = new ArrayList<>();
        int submitted = 0;
        int late = 0;
        for (long id : assignment.studentIds()) {
            Tasks.Task task = Tasks.task(assignment, Optional.ofNullable(submissions.get(id)), id);
            String state = task.state().equals("NOT_STARTED") ? "MISSING" : task.state();
            submitted += task.submittedAt() != null ? 1 : 0;
            late += state.equals("LATE") ? 1 : 0;
            Roster.ClassStudent student = students.get(id);
            byStudent.add(new StudentResult(id, student == null ? null : student.username(),
                    student == null ? null : student.name(), partOf.get(id), state, task.score(), task.submittedAt(),
                    task.attempt()));
        }
        byStudent.sort(Comparator.comparing(StudentResult::username, Comparator.nullsLast(Comparator.naturalOrder())));
        Map<Long, int[]> counts = new HashMap<>();
        for (SavedAnswer answer : store.answers(assignment.id(), null)) {
            Submission submission = submissions.get(answer.studentId());
            if (submission != null && submission.submittedAt() != null && answer.correct() != null) {
                int[] count = counts.computeIfAbsent(answer.itemId(), k -> new int[2]);
                count[0]++;
                count[1] += answer.correct() ? 1 : 0;
            }
        }
        List<ItemResult> byItem = new ArrayList<>();
        Map<Long, int[]> pointCounts = new LinkedHashMap<>();
        for (ItemFacts item : facts(assignment).values()) {
            int[] count = counts.getOrDefault(item.id(), new int[2]);
            byItem.add(new ItemResult(item.id(), item.code(), item.stem(), count[0], count[1]));
            for (long kp : item.kpIds()) {
                int[] point = pointCounts.computeIfAbsent(kp, k -> new int[2]);
                point[0] += count[0];
                point[1] += count[1];
            }
        }
        Map<Long, AssignmentStore.PointChange> changes = new HashMap<>();
        store.masteryChanges(assignment.id()).forEach(change -> changes.put(change.kpId(), change));
        List<PointResult> byPoint = new ArrayList<>();
        pointCounts.forEach((kp, count) -> knowledgePoints.find(kp).ifPresent(point -> {
            AssignmentStore.PointChange change = changes.get(kp);
            byPoint.add(new PointResult(kp, point.code(), point.name(), change == null ? 0 : change.students(), count[0],
                    count[1], change == null ? null : change.meanBefore(), change == null ? null : change.meanAfter()));
        }));
        int targeted = assignment.studentIds().size();
        int missing = (int) byStudent.stream().filter(s -> s.state().equals("MISSING")).count();
        return new Results(assignment.id(), assignment.title(), assignment.kind(), assignment.status(), targeted, submitted,
                late, missing, byStudent, byItem, byPoint);
    }

    /** The live view: how many have begun and handed in, and per item the share right and the wrong answers by whom. */
    LiveView live(Assignment assignment) {
        return live(assignment, facts(assignment));
    }

    private LiveView live(Assignment assignment, Map<Long, ItemFacts> facts) {
        Map<Long, Roster.ClassStudent> students = students(assignment);
        Map<Long, Submission> submissions = store.submissions(assignment.id());
        Map<Long, List<SavedAnswer>> byItem = new HashMap<>();
        for (SavedAnswer answer : store.answers(assignment.id(), null)) {
            if (answer.correct() != null || (answer.answer() != null && !answer.answer().isBlank())) {
                byItem.computeIfAbsent(answer.itemId(), k -> new ArrayList<>()).add(answer);
            }
        }
        List<LiveItem> liveItems = new ArrayList<>();
        for (ItemFacts item : facts.values()) {
            ItemRef ref = Items.ref(assignment.schoolId(), item);
            int answered = 0;
            int right = 0;
            Map<String, List<String>> wrong = new LinkedHashMap<>();
            for (SavedAnswer answer : byItem.getOrDefault(item.id(), List.of())) {
                Optional<Boolean> correct = answer.correct() != null ? Optional.of(answer.correct()) : ref.mark(answer.answer());
                if (correct.isEmpty()) {
                    continue;
                }
                answered++;
                if (correct.get()) {
                    right++;
                } else {
                    Roster.ClassStudent student = students.get(answer.studentId());
                    wrong.computeIfAbsent(shown(item, answer.answer()), k -> new ArrayList<>())
                            .add(student == null ? "#" + answer.studentId() : student.name());
                }
            }
            liveItems.add(new LiveItem(item.id(), item.code(), item.stem(), item.options(), answered, right,
                    wrongAnswers(item, wrong)));
        }
        List<String> notStarted = assignment.studentIds().stream().filter(id -> !submissions.containsKey(id))
                .map(students::get).filter(s -> s != null).map(Roster.ClassStudent::name).toList();
        int submitted = (int) submissions.values().stream().filter(s -> s.submittedAt() != null).count();
        return new LiveView(assignment.id(), assignment.title(), assignment.status(), assignment.studentIds().size(),
                submissions.size(), submitted, notStarted, liveItems, clock.instant());
    }

    /** 讲评: the items in the order the class found them hard, each with its common wrong answers and passages on them. */
    Review review(CurrentUser me, Assignment assignment) {
        Map<Long, ItemFacts> facts = facts(assignment);
        LiveView live = live(assignment, facts);
        List<ReviewItem> reviewItems = new ArrayList<>();
        for (LiveItem item : live.items()) {
            ItemFacts fact = facts.get(item.itemId());
            List<WrongAnswer> common = item.wrong().stream()
                    .filter(w -> w.count() >= Math.max(1, COMMON_WRONG_SHARE * item.answered())).toList();
            List<ReviewPassage> passages = common.isEmpty() ? List.of() : passages(me, fact, common.getFirst());
            reviewItems.add(new ReviewItem(item.itemId(), item.code(), item.stem(), item.options(), fact.answerKey(),
                    fact.explanation(), item.answered(), item.answered() == 0 ? null : (double) item.right() / item.answered(),
                    common, passages));
        }
        reviewItems.sort(Comparator.comparing((ReviewItem r) -> r.shareRight() == null ? 2.0 : r.shareRight()));
        return new Review(assignment.id(), assignment.title(), reviewItems);
    }

    /** Two passages of the library on the item and the wrong answer, found by keywords (no model call). */
    private List<ReviewPassage> passages(CurrentUser me, ItemFacts item, WrongAnswer wrong) {
        String text = item.stem() + (wrong.optionText() == null ? " " + wrong.answer() : " " + wrong.optionText());
        return library.retrieveByKeywords(new KnowledgeQuery(me.schoolId(), me.id(), text, item.subjectId(), null,
                        Set.of(), Set.of(), 2))
                .stream()
                .map(p -> new ReviewPassage(p.citation().documentId(), p.citation().title(), p.citation().label(),
                        p.text().length() > 300 ? p.text().substring(0, 300) + "…" : p.text()))
                .toList();
    }

    private static List<WrongAnswer> wrongAnswers(ItemFacts item, Map<String, List<String>> wrong) {
        return wrong.entrySet().stream()
                .map(e -> new WrongAnswer(e.getKey(), optionText(item, e.getKey()), e.getValue().size(), List.copyOf(e.getValue())))
                .sorted(Comparator.comparingInt(WrongAnswer::count).reversed())
                .toList();
    }

    /** A choice answer as its letters (so that "b" and "B" count together), any other as typed; "" for none. */
    private static String shown(ItemFacts item, String answer) {
        if (answer == null) {
            return "";
        }
        return item.type().isChoice() ? answer.replaceAll("[^A-Za-z]", "").toUpperCase(Locale.ROOT) : answer.strip();
    }

    private static String optionText(ItemFacts item, String letters) {
        if (!item.type().isChoice() || letters.length() != 1 || item.options() == null) {
            return null;
        }
        int index = letters.charAt(0) - 'A';
        return index >= 0 && index < item.options().size() ? item.options().get(index) : null;
    }

    private Map<Long, ItemFacts> facts(Assignment assignment) {
        return items.factsOf(assignment.schoolId(), assignment.itemIds());
    }

    private Map<Long, Roster.ClassStudent> students(Assignment assignment) {
        Map<Long, Roster.ClassStudent> students = new HashMap<>();
        roster.classStudents(assignment.classId()).forEach(s -> students.put(s.id(), s));
        return students;
    }

    private static Map<Long, String> partLabels(Assignment assignment) {
        Map<Long, String> labels = new HashMap<>();
        for (Part part : assignment.parts()) {
            part.studentIds().forEach(id -> labels.put(id, part.label()));
        }
        return labels;
    }
}
