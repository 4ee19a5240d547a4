package io.xueban.assignment;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.insight.MasteryService;
import io.xueban.insight.NewResponse;
import io.xueban.insight.ResponseSource;
import io.xueban.insight.Responses;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/**
 * The teacher's marking queue (待批改): handed-in answers to open items, which only a teacher
 * marks. A mark is recorded like any other answer (with the mastery update) and the submission's
 * score follows.
 */
@Service
class Marking {

    /**
     * @param photo whether the answer is a photo of written work ({@code answer} is then what the
     *     vision model read in it)
     * @param suggestedCorrect the model's suggested mark: a suggestion for the teacher
     * @param suggestion why, in a sentence
     * @param suggesting whether a suggestion is still being asked for
     */
    record OpenAnswer(long assignmentId, String title, long studentId, String studentName, long itemId, String code,
            String stem, String answer, String answerKey, Instant submittedAt, boolean photo, Boolean suggestedCorrect,
            String suggestion, boolean suggesting) {
    }

    private final AssignmentStore store;
    private final Items items;
    private final Roster roster;
    private final Responses responses;
    private final MasteryService mastery;
    private final AccessPolicy policy;
    private final Suggestions suggestions;
    private final Clock clock;

    Marking(AssignmentStore store, Items items, Roster roster, Responses responses, MasteryService mastery,
            AccessPolicy policy, Suggestions suggestions, Clock clock) {
        this.store = store;
        this.suggestions = suggestions;
        this.mastery = mastery;
        this.items = items;
        this.roster = roster;
        this.responses = responses;
        this.policy = policy;
        this.clock = clock;
    }

    /** What waits for a mark in a class the caller teaches (or one of its assignments), oldest first. */
    List<OpenAnswer> queue(CurrentUser me, long classId, Long assignmentId) {
        policy.checkClass(me, classId);
        Map<Long, String> names = roster.studentNamesOf(classId);
        Map<Long, ItemFacts> facts = new HashMap<>();
        Map<Long, Map<String, AssignmentStore.Photo>> photos = new HashMap<>();
        Map<Long, Map<String, Suggestions.Suggestion>> typed = new HashMap<>();
        return store.unmarked(classId, assignmentId).stream().map(u -> {
            ItemFacts item = facts.computeIfAbsent(u.itemId(), id -> items.findFacts(me.schoolId(), id).orElseThrow());
            String key = u.studentId() + ":" + u.itemId();
            AssignmentStore.Photo photo = photos.computeIfAbsent(u.assignmentId(), store::photos).get(key);
            Suggestions.Suggestion suggestion = typed.computeIfAbsent(u.assignmentId(), suggestions::of).get(key);
            Boolean suggestedCorrect = photo != null ? Boolean.valueOf(photo.suggestedCorrect())
                    : suggestion == null ? null : suggestion.suggestedCorrect();
            String why = photo != null ? photo.feedback() : suggestion == null ? null : suggestion.feedback();
            boolean suggesting = photo == null && suggestion != null && switch (suggestion.state()) {
                case WAITING, RUNNING -> true;
                case FAILED -> suggestion.tries() < MarkSuggester.MAX_TRIES;
                case DONE -> false;
            };
            return new OpenAnswer(u.assignmentId(), u.title(), u.studentId(), names.get(u.studentId()), u.itemId(),
                    item.code(), item.stem(), u.answer(), item.answerKey(), u.submittedAt(), photo != null,
                    suggestedCorrect, why, suggesting);
        }).toList();
    }

    /** The photo a student gave as an answer (its teachers and admins); 404 when there is none. */
    Map.Entry<String, byte[]> photo(Assignment assignment, long studentId, long itemId) {
        return store.photoImage(assignment.id(), studentId, itemId)
                .orElseThrow(() -> ApiException.notFound("assignment-photo", itemId));
    }

    /** The teacher's mark on one handed-in answer; 409 when it is not waiting for one. */
    @Transactional
    void mark(Assignment assignment, long studentId, long itemId, boolean correct) {
        String answer = store.answers(assignment.id(), studentId).stream().filter(a -> a.itemId() == itemId).findFirst()
                .map(AssignmentStore.SavedAnswer::answer).orElse(null);
        if (!store.markHandedIn(assignment.id(), studentId, itemId, correct)) {
            throw ApiException.conflict("assignment-answer-not-waiting", itemId);
        }
        suggestions.dropUnfinished(assignment.id(), studentId, itemId);
        List<Long> points = items.findFacts(assignment.schoolId(), itemId).map(ItemFacts::kpIds).orElse(List.of());
        Map<Long, Double> before = mastery.masteryOf(assignment.schoolId(), studentId, points);
        responses.recordAll(List.of(new NewResponse(assignment.schoolId(), studentId, itemId, correct, correct ? 1.0 : 0.0,
                answer, null, ResponseSource.TYPED, clock.instant(), assignment.id())));
        store.recordMasteryChange(assignment.id(), studentId, before,
                mastery.masteryOf(assignment.schoolId(), studentId, points));
    }
}
