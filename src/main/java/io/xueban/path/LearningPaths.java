package io.xueban.path;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.insight.MasteryLevel;
import io.xueban.insight.MasteryService;
import io.xueban.insight.StudentSnapshot;

/**
 * A student's learning path (一生一策): the planner run on their current mastery, with each step
 * explained in one sentence. Reviews are scheduled with FSRS-6 from the student's own answers on
 * each point (right = good, wrong = again).
 */
@Service
class LearningPaths {

    record PathItem(long itemId, String code, double predictedSuccess, String bloomLevel) {
    }

    record PathStep(long kpId, String code, String name, Planner.Kind kind, List<Planner.Reason> reasons,
            String explanation, Double recall, List<PathItem> items) {
    }

    record Path(long studentId, List<Long> targets, List<PathStep> steps, long tookMicros) {
    }

    private final MasteryService mastery;
    private final PathGoals goals;
    private final KnowledgePoints knowledgePoints;
    private final Items items;
    private final MessageSource messages;
    private final Clock clock;
    private final Planner planner;
    private final Fsrs fsrs = Fsrs.withDefaults();
    /** The school's curriculum (points, prerequisites, items) for a few seconds: paths are re-planned often. */
    private final Map<Long, Curriculum> curricula = new java.util.concurrent.ConcurrentHashMap<>();

    private record Curriculum(List<KnowledgePoint> knowledgePoints, List<ItemFacts> items, Instant loaded) {
    }

    static final Duration CURRICULUM_TTL = Duration.ofSeconds(30);

    LearningPaths(MasteryService mastery, PathGoals goals, KnowledgePoints knowledgePoints, Items items,
            MessageSource messages, PathSettings settings, Clock clock) {
        this.mastery = mastery;
        this.goals = goals;
        this.knowledgePoints = knowledgePoints;
        this.items = items;
        this.messages = messages;
        this.clock = clock;
        this.planner = new Planner(settings.planner(), fsrs);
    }

    /** The path towards the student's goal (their own, else their class's, else every point of the subject). */
    Path pathFor(long schoolId, long studentId, Long subjectId) {
        long start = System.nanoTime();
        Curriculum curriculum = curriculum(schoolId);
        List<KnowledgePoint> kps = curriculum.knowledgePoints().stream()
                .filter(kp -> subjectId == null || kp.subjectId() == subjectId)
                .toList();
        Map<Long, KnowledgePoint> byId = new HashMap<>();
        Map<Long, List<Long>> prerequisites = new HashMap<>();
        for (KnowledgePoint kp : kps) {
            byId.put(kp.id(), kp);
        }
        for (KnowledgePoint kp : kps) {
            // Prerequisites in another subject are outside this path.
            prerequisites.put(kp.id(), kp.prerequisiteIds().stream().filter(byId::containsKey).toList());
        }
        // The teacher's goal for the student or their class, else every point of the subject
        Set<Long> targets = new LinkedHashSet<>(goals.effective(studentId));
        targets.retainAll(byId.keySet());
        if (targets.isEmpty()) {
            targets.addAll(byId.keySet());
        }
        StudentSnapshot snapshot = mastery.snapshot(schoolId, studentId);
        Instant now = clock.instant();

        Map<Long, List<StudentSnapshot.Answer>> byKp = new HashMap<>();
        for (StudentSnapshot.Answer answer : snapshot.answers()) {
            answer.kpIds().forEach(kp -> byKp.computeIfAbsent(kp, k -> new ArrayList<>()).add(answer));
        }
        Map<Long, Planner.KpState> states = new HashMap<>();
        for (long kp : byId.keySet()) {
            StudentSnapshot.KnowledgePointState point = snapshot.knowledgePoints().get(kp);
            List<StudentSnapshot.Answer> answers = byKp.getOrDefault(kp, List.of());
            int failures = 0;
            for (int i = answers.size() - 1; i >= 0 && !answers.get(i).correct(); i--) {
                failures++;
            }
            states.put(kp, new Planner.KpState(kp, point == null ? 0 : point.probability(),
                    point != null && point.level() == MasteryLevel.MASTERED, failures, memory(answers),
                    answers.isEmpty() ? null : answers.getLast().at()));
        }
        Map<Long, List<Planner.Candidate>> candidates = new HashMap<>();
        Map<Long, ItemFacts> facts = new HashMap<>();
        for (ItemFacts item : curriculum.items()) {
            if (subjectId != null && item.subjectId() != subjectId) {
                continue;
            }
            facts.put(item.id(), item);
            double success = snapshot.itemSuccess().getOrDefault(item.id(), 0.5);
            for (long kp : item.kpIds()) {
                candidates.computeIfAbsent(kp, k -> new ArrayList<>())
                        .add(new Planner.Candidate(item.id(), kp, success, item.bloomLevel()));
            }
        }
        List<Long> recent = new ArrayList<>();
        for (int i = snapshot.answers().size() - 1; i >= 0 && recent.size() < 10; i--) {
            recent.add(snapshot.answers().get(i).itemId());
        }
        List<Planner.Step> steps = planner.plan(new Planner.Input(prerequisites, targets, states, candidates, recent, now));

        Locale locale = LocaleContextHolder.getLocale();
        List<PathStep> view = new ArrayList<>();
        for (Planner.Step step : steps) {
            KnowledgePoint kp = byId.get(step.kpId());
            List<PathItem> stepItems = step.itemIds().stream()
                    .map(id -> new PathItem(id, facts.get(id).code(), snapshot.itemSuccess().getOrDefault(id, 0.5),
                            facts.get(id).bloomLevel().name()))
                    .toList();
            view.add(new PathStep(kp.id(), kp.code(), kp.name(), step.kind(), step.reasons(),
                    explanation(step, kp, step.about() == null ? null : byId.get(step.about()), states, locale),
                    step.recall(), stepItems));
        }
        return new Path(studentId, List.copyOf(targets), view, (System.nanoTime() - start) / 1000);
    }

    private Curriculum curriculum(long schoolId) {
        Instant now = clock.instant();
        return curricula.compute(schoolId, (id, cached) -> cached != null && cached.loaded().plus(CURRICULUM_TTL).isAfter(now)
                ? cached
                : new Curriculum(knowledgePoints.list(schoolId, null), items.facts(schoolId), now));
    }

    /** FSRS-6 memory from the student's answers on a point, oldest first; null before any answer. */
    Fsrs.Memory memory(List<StudentSnapshot.Answer> answers) {
        Fsrs.Memory memory = null;
        Instant last = null;
        for (StudentSnapshot.Answer answer : answers) {
            Fsrs.Grade grade = answer.correct() ? Fsrs.Grade.GOOD : Fsrs.Grade.AGAIN;
            memory = memory == null ? fsrs.first(grade)
                    : fsrs.review(memory, Duration.between(last, answer.at()).toSeconds() / 86_400.0, grade);
            last = answer.at();
        }
        return memory;
    }

    private String explanation(Planner.Step step, KnowledgePoint kp, KnowledgePoint about, Map<Long, Planner.KpState> states,
            Locale locale) {
        return switch (step.kind()) {
            case LEARN -> {
                StringBuilder text = new StringBuilder(messages.getMessage("path.learn", new Object[] {kp.name()}, locale));
                if (step.reasons().contains(Planner.Reason.TARGET)) {
                    text.append(messages.getMessage("path.learn.target", null, locale));
                }
                if (step.reasons().contains(Planner.Reason.UNLOCKS_TARGETS)) {
                    text.append(messages.getMessage("path.learn.unlocks", new Object[] {String.valueOf(step.unlocks())},
                            locale));
                }
                yield text.append(messages.getMessage("path.end", null, locale)).toString();
            }
            case STEP_BACK -> messages.getMessage("path.step-back", new Object[] {about.name(),
                    String.valueOf(states.get(about.id()).recentFailures()), kp.name()}, locale);
            case REVIEW -> messages.getMessage("path.review", new Object[] {kp.name(),
                    String.valueOf(Math.round(step.recall() * 100))}, locale);
        };
    }
}
