package io.xueban.path;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.insight.MasteryLevel;
import io.xueban.insight.MasteryService;
import io.xueban.insight.StudentSnapshot;
import io.xueban.knowledge.KnowledgeQuery;
import io.xueban.knowledge.KnowledgeRetriever;

/**
 * A student's learning path (一生一策): the planner run on their current mastery, with each step
 * explained in one sentence. Reviews are scheduled with FSRS-6 from the student's own answers on
 * each point (right = good, wrong = again).
 */
@Service
class LearningPaths {

    /** An item to practise, as the student sees it: its question and options, never its key. */
    record PathItem(long itemId, String code, double predictedSuccess, String bloomLevel, ItemType type, String stem,
            List<String> options) {
    }

    /** A library passage to read for a step, with its citation. */
    record Resource(long documentId, String title, String citation, String excerpt) {
    }

    /**
     * @param teacherNote the reason a teacher gave when pinning the point, else null
     */
    record PathStep(long kpId, String code, String name, Planner.Kind kind, List<Planner.Reason> reasons,
            String explanation, String teacherNote, Double recall, List<PathItem> items, List<Resource> resources) {
    }

    /** A point a teacher took out of the student's path, and why. */
    record Skipped(long kpId, String code, String name, String reason, String by) {
    }

    /** @param tookMicros time spent planning, resources included */
    record Path(long studentId, Long subjectId, List<Long> targets, List<PathStep> steps, List<Skipped> skipped,
            long tookMicros) {
    }

    /** Passages shown per learning step. */
    static final int RESOURCES_PER_STEP = 2;
    static final int EXCERPT_LENGTH = 120;

    private final MasteryService mastery;
    private final PathGoals goals;
    private final PathOverrides overrides;
    private final KnowledgeRetriever library;
    private final KnowledgePoints knowledgePoints;
    private final Items items;
    private final MessageSource messages;
    private final Clock clock;
    private final Planner planner;
    private final Fsrs fsrs = Fsrs.withDefaults();
    /** The school's curriculum (points, prerequisites, items) for a few seconds: paths are re-planned often. */
    private final Map<Long, Curriculum> curricula = new ConcurrentHashMap<>();
    /** Passages per (school, point), until the library changes. */
    private final Map<List<Long>, CachedResources> resources = new ConcurrentHashMap<>();

    private record CachedResources(List<Resource> resources, long generation) {
    }

    private record Curriculum(List<KnowledgePoint> knowledgePoints, List<ItemFacts> items, Map<Long, Long> itemSubjects,
            Instant loaded) {

        static Curriculum of(List<KnowledgePoint> knowledgePoints, List<ItemFacts> items, Instant loaded) {
            Map<Long, Long> subjects = new HashMap<>();
            items.forEach(item -> subjects.put(item.id(), item.subjectId()));
            return new Curriculum(knowledgePoints, items, subjects, loaded);
        }
    }

    static final Duration CURRICULUM_TTL = Duration.ofSeconds(30);

    LearningPaths(MasteryService mastery, PathGoals goals, PathOverrides overrides, KnowledgeRetriever library,
            KnowledgePoints knowledgePoints, Items items, MessageSource messages, PathSettings settings, Clock clock) {
        this.mastery = mastery;
        this.goals = goals;
        this.overrides = overrides;
        this.library = library;
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
            MasteryLevel level = point == null ? MasteryLevel.NOT_STARTED : point.level();
            states.put(kp, new Planner.KpState(kp, point == null ? 0 : point.probability(), level == MasteryLevel.MASTERED,
                    level == MasteryLevel.MASTERED || level == MasteryLevel.PARTIAL, failures, memory(answers),
                    answers.isEmpty() ? null : answers.getLast().at()));
        }
        Map<Long, List<Planner.Candidate>> candidates = new HashMap<>();
        Map<Long, ItemFacts> facts = new HashMap<>();
        for (ItemFacts item : curriculum.items()) {
            // Practice on the path is marked at once from the key: an open item waits for a teacher.
            if (subjectId != null && item.subjectId() != subjectId || item.type() == ItemType.OPEN) {
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
        List<Long> pinned = new ArrayList<>();
        Set<Long> skipped = new HashSet<>();
        Map<Long, PathOverrides.Override> decisions = new HashMap<>();
        for (PathOverrides.Override decision : overrides.of(studentId)) {
            if (byId.containsKey(decision.kpId())) {
                decisions.put(decision.kpId(), decision);
                (decision.action() == PathOverrides.Action.PIN ? pinned : skipped).add(decision.kpId());
            }
        }
        List<Planner.Step> steps = planner.plan(new Planner.Input(prerequisites, targets, states, candidates, recent, now,
                pinned, skipped));

        Locale locale = LocaleContextHolder.getLocale();
        List<PathStep> view = new ArrayList<>();
        for (Planner.Step step : steps) {
            KnowledgePoint kp = byId.get(step.kpId());
            List<PathItem> stepItems = step.itemIds().stream()
                    .map(facts::get)
                    .map(item -> new PathItem(item.id(), item.code(), snapshot.itemSuccess().getOrDefault(item.id(), 0.5),
                            item.bloomLevel().name(), item.type(), item.stem(), item.options()))
                    .toList();
            PathOverrides.Override pin = step.reasons().contains(Planner.Reason.PINNED_BY_TEACHER)
                    ? decisions.get(kp.id()) : null;
            view.add(new PathStep(kp.id(), kp.code(), kp.name(), step.kind(), step.reasons(),
                    explanation(step, kp, step.about() == null ? null : byId.get(step.about()), states, locale),
                    pin == null ? null : pin.reason(), step.recall(), stepItems,
                    step.kind() == Planner.Kind.REVIEW ? List.of() : resources(schoolId, kp)));
        }
        List<Skipped> skippedView = skipped.stream()
                .map(kp -> new Skipped(kp, byId.get(kp).code(), byId.get(kp).name(), decisions.get(kp).reason(),
                        decisions.get(kp).setByName()))
                .toList();
        return new Path(studentId, subjectId, List.copyOf(targets), view, skippedView, (System.nanoTime() - start) / 1000);
    }

    /** The school-visible library passages tagged with the point that best match its name (keyword search only). */
    private List<Resource> resources(long schoolId, KnowledgePoint kp) {
        long generation = library.generation();
        CachedResources cached = resources.get(List.of(schoolId, kp.id()));
        if (cached != null && cached.generation() == generation) {
            return cached.resources();
        }
        List<Resource> found = library.retrieveByKeywords(KnowledgeQuery.of(schoolId, kp.name(), RESOURCES_PER_STEP)
                        .knowledgePoints(Set.of(kp.id())))
                .stream()
                .map(passage -> new Resource(passage.citation().documentId(), passage.citation().title(),
                        passage.citation().label(), excerpt(passage.text())))
                .toList();
        resources.put(List.of(schoolId, kp.id()), new CachedResources(found, generation));
        return found;
    }

    private static String excerpt(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= EXCERPT_LENGTH ? flat : flat.substring(0, EXCERPT_LENGTH) + "…";
    }

    /** The subject of an item, when the school's curriculum (as cached) knows it. */
    Optional<Long> subjectOfItem(long schoolId, long itemId) {
        return Optional.ofNullable(curriculum(schoolId).itemSubjects().get(itemId));
    }

    /** The subjects these points belong to. */
    Set<Long> subjectsOfPoints(long schoolId, Collection<Long> kpIds) {
        Set<Long> subjects = new TreeSet<>();
        curriculum(schoolId).knowledgePoints().stream().filter(kp -> kpIds.contains(kp.id()))
                .forEach(kp -> subjects.add(kp.subjectId()));
        return subjects;
    }

    private Curriculum curriculum(long schoolId) {
        Instant now = clock.instant();
        return curricula.compute(schoolId, (id, cached) -> cached != null && cached.loaded().plus(CURRICULUM_TTL).isAfter(now)
                ? cached
                : Curriculum.of(knowledgePoints.list(schoolId, null), items.facts(schoolId), now));
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
        if (step.reasons().contains(Planner.Reason.PINNED_BY_TEACHER)) {
            return messages.getMessage("path.pinned", new Object[] {kp.name()}, locale);
        }
        return switch (step.kind()) {
            case LEARN -> {
                String opening = step.reasons().contains(Planner.Reason.PREREQUISITE_SKIPPED) ? "path.learn.skipped" : "path.learn";
                StringBuilder text = new StringBuilder(messages.getMessage(opening, new Object[] {kp.name()}, locale));
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
