package io.xueban.path;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.xueban.curriculum.BloomLevel;

/**
 * Decides what a student should do next towards a set of target knowledge points, as knowledge
 * space theory (and ALEKS) does: learn from the outer fringe — points not yet mastered whose
 * prerequisites all are — the likeliest fringe points first (the chance that the point is not
 * mastered while its prerequisites are, from the mastery estimate), then by prerequisite depth
 * and by how many targets each unlocks; when a student keeps failing a point whose prerequisites
 * are not all firmly mastered, step back to the weakest; mix in reviews of mastered points whose
 * predicted recall (FSRS-6) has fallen below the desired retention. A
 * teacher's decisions come first: pinned points lead the path, skipped ones count as done. Each
 * step carries its reasons, so that a teacher can be told why in one sentence. Pure: everything
 * it needs comes in, nothing is read or written.
 */
final class Planner {

    /** The planner's knobs; {@link #DEFAULTS} are the issue's. */
    record Settings(double bandLow, double bandHigh, double desiredRetention, int maxSteps, int itemsPerStep,
            int struggleFailures, int recentItems) {
        static final Settings DEFAULTS = new Settings(0.6, 0.85, 0.9, 6, 3, 3, 10);
    }

    /**
     * A student's standing on one knowledge point.
     *
     * @param mastery the probability that the point is mastered
     * @param mastered firmly mastered (熟练): nothing left to learn, only reviews
     * @param ready mastered well enough to build on (基本掌握 or better)
     */
    record KpState(long kpId, double mastery, boolean mastered, boolean ready, int recentFailures, Fsrs.Memory memory,
            Instant lastPractice) {
    }

    /** An item the student could practise, with the mastery model's predicted chance of success. */
    record Candidate(long itemId, long kpId, double predictedSuccess, BloomLevel bloomLevel) {
    }

    /**
     * @param pinned points a teacher wants practised now, in the order they were pinned: first in
     *     the path until mastered, whatever their prerequisites
     * @param skipped points a teacher took out of the path: never a step, and counted as done for
     *     the points that need them
     */
    record Input(Map<Long, List<Long>> prerequisites, Set<Long> targets, Map<Long, KpState> states,
            Map<Long, List<Candidate>> items, List<Long> recentItems, Instant now, List<Long> pinned,
            Set<Long> skipped) {

        Input(Map<Long, List<Long>> prerequisites, Set<Long> targets, Map<Long, KpState> states,
                Map<Long, List<Candidate>> items, List<Long> recentItems, Instant now) {
            this(prerequisites, targets, states, items, recentItems, now, List.of(), Set.of());
        }
    }

    enum Kind { LEARN, STEP_BACK, REVIEW }

    /** Why a step is there. */
    enum Reason {
        /** Every prerequisite is mastered: the point is on the outer fringe. */
        PREREQUISITES_MASTERED,
        /** It is one of the targets. */
        TARGET,
        /** Learning it opens the way to targets ({@code count}). */
        UNLOCKS_TARGETS,
        /** The student failed this point several times in a row ({@code about} names it). */
        STRUGGLING,
        /** The weakest prerequisite of the point the student struggles with. */
        WEAKEST_PREREQUISITE,
        /** Predicted recall ({@code recall}) has fallen below the desired retention. */
        REVIEW_DUE,
        /** A teacher pinned the point: practise it now. */
        PINNED_BY_TEACHER,
        /** A prerequisite is not mastered, but a teacher took it out of the path. */
        PREREQUISITE_SKIPPED
    }

    record Step(long kpId, Kind kind, List<Reason> reasons, Long about, int unlocks, Double recall, List<Long> itemIds) {
    }

    /** Bands of the chance of being on the fringe, within which the teaching order decides. */
    static final int LIKELIHOOD_BANDS = 10;

    private final Settings settings;
    private final Fsrs fsrs;

    Planner(Settings settings, Fsrs fsrs) {
        this.settings = settings;
        this.fsrs = fsrs;
    }

    List<Step> plan(Input input) {
        Map<Long, List<Long>> prerequisites = input.prerequisites();
        Set<Long> relevant = closure(input.targets(), prerequisites);
        Map<Long, Integer> depth = new HashMap<>();
        Map<Long, Integer> unlocks = new HashMap<>();
        for (long target : input.targets()) {
            for (long kp : closure(Set.of(target), prerequisites)) {
                unlocks.merge(kp, 1, Integer::sum);
            }
        }
        List<Long> fringe = new ArrayList<>();
        Map<Long, Double> likelihood = new HashMap<>();
        for (long kp : relevant) {
            if (!done(input, kp) && prerequisites.getOrDefault(kp, List.of()).stream().allMatch(p -> ready(input, p))) {
                fringe.add(kp);
                likelihood.put(kp, onFringe(input, kp, prerequisites));
            }
        }
        fringe.sort(Comparator.comparingInt((Long kp) -> -likelihoodBand(likelihood.get(kp)))
                .thenComparingInt(kp -> depth(kp, prerequisites, depth))
                .thenComparing(kp -> -unlocks.getOrDefault(kp, 0))
                .thenComparing(kp -> kp));

        List<Step> learning = new ArrayList<>();
        Set<Long> planned = new HashSet<>();
        for (long kp : input.pinned()) {
            if (!mastered(input, kp) && !input.skipped().contains(kp) && planned.add(kp)) {
                learning.add(new Step(kp, Kind.LEARN, List.of(Reason.PINNED_BY_TEACHER), null,
                        unlocks.getOrDefault(kp, 0), null, List.of()));
            }
        }
        for (long kp : fringe) {
            KpState state = input.states().get(kp);
            // A prerequisite the teacher took out, or one firmly mastered, is not one to step back to.
            List<Long> prereqs = prerequisites.getOrDefault(kp, List.of()).stream()
                    .filter(p -> !input.skipped().contains(p) && !mastered(input, p))
                    .toList();
            Long weakest = state != null && state.recentFailures() >= settings.struggleFailures() && !prereqs.isEmpty()
                    ? prereqs.stream()
                            .min(Comparator.comparingDouble((Long p) -> masteryOf(input, p)).thenComparing(p -> p))
                            .orElseThrow()
                    : null;
            // Step back once per run of failures: when the prerequisite has been practised since, try the point again.
            if (weakest != null && !practisedSince(input, weakest, state.lastPractice())) {
                if (planned.add(weakest)) {
                    learning.add(new Step(weakest, Kind.STEP_BACK, List.of(Reason.STRUGGLING, Reason.WEAKEST_PREREQUISITE),
                            kp, unlocks.getOrDefault(kp, 0), null, List.of()));
                }
                continue;
            }
            if (planned.add(kp)) {
                boolean skippedBelow = prerequisites.getOrDefault(kp, List.of()).stream().anyMatch(p -> !buildsOn(input, p));
                List<Reason> reasons = new ArrayList<>(List.of(skippedBelow ? Reason.PREREQUISITE_SKIPPED
                        : Reason.PREREQUISITES_MASTERED));
                if (input.targets().contains(kp)) {
                    reasons.add(Reason.TARGET);
                }
                int opens = unlocks.getOrDefault(kp, 0) - (input.targets().contains(kp) ? 1 : 0);
                if (opens > 0) {
                    reasons.add(Reason.UNLOCKS_TARGETS);
                }
                learning.add(new Step(kp, Kind.LEARN, reasons, null, opens, null, List.of()));
            }
        }

        List<Step> reviews = new ArrayList<>();
        for (KpState state : input.states().values()) {
            // A point practised anyway as a step back needs no separate review.
            if (state.mastered() && state.memory() != null && state.lastPractice() != null && !planned.contains(state.kpId())
                    && !input.skipped().contains(state.kpId())) {
                double days = Duration.between(state.lastPractice(), input.now()).toSeconds() / 86_400.0;
                double recall = fsrs.retrievability(Math.max(0, days), state.memory().stability());
                if (recall < settings.desiredRetention()) {
                    reviews.add(new Step(state.kpId(), Kind.REVIEW, List.of(Reason.REVIEW_DUE), null, 0, recall, List.of()));
                }
            }
        }
        reviews.sort(Comparator.comparingDouble(Step::recall).thenComparingLong(Step::kpId));

        // Learning first, a due review after each learning step, the rest after.
        List<Step> merged = new ArrayList<>();
        int l = 0;
        int r = 0;
        while (merged.size() < settings.maxSteps() && (l < learning.size() || r < reviews.size())) {
            if (l < learning.size()) {
                merged.add(learning.get(l++));
            }
            if (merged.size() < settings.maxSteps() && r < reviews.size()) {
                merged.add(reviews.get(r++));
            }
        }
        return withItems(merged, input);
    }

    /**
     * Items for each step: not among the recent ones, predicted success inside the band when
     * possible (nearest to its middle first), different Bloom levels before repeating one, and
     * no item twice in the path.
     */
    private List<Step> withItems(List<Step> steps, Input input) {
        Set<Long> avoid = new HashSet<>(input.recentItems().subList(0, Math.min(settings.recentItems(),
                input.recentItems().size())));
        double middle = (settings.bandLow() + settings.bandHigh()) / 2;
        List<Step> result = new ArrayList<>();
        for (Step step : steps) {
            List<Candidate> candidates = new ArrayList<>(input.items().getOrDefault(step.kpId(), List.of()));
            candidates.removeIf(c -> avoid.contains(c.itemId()));
            candidates.sort(Comparator.comparingDouble((Candidate c) -> inBand(c) ? 0 : 1)
                    .thenComparingDouble(c -> Math.abs(c.predictedSuccess() - middle))
                    .thenComparingLong(Candidate::itemId));
            List<Long> chosen = new ArrayList<>();
            Set<BloomLevel> levels = new LinkedHashSet<>();
            for (Candidate c : candidates) {
                if (chosen.size() < settings.itemsPerStep() && inBand(c) && levels.add(c.bloomLevel())) {
                    chosen.add(c.itemId());
                }
            }
            for (Candidate c : candidates) {
                if (chosen.size() < settings.itemsPerStep() && !chosen.contains(c.itemId())) {
                    chosen.add(c.itemId());
                }
            }
            avoid.addAll(chosen);
            result.add(new Step(step.kpId(), step.kind(), step.reasons(), step.about(), step.unlocks(), step.recall(),
                    List.copyOf(chosen)));
        }
        return result;
    }

    private static boolean practisedSince(Input input, long kp, Instant moment) {
        KpState state = input.states().get(kp);
        return state != null && state.lastPractice() != null && moment != null && state.lastPractice().isAfter(moment);
    }

    private boolean inBand(Candidate c) {
        return c.predictedSuccess() >= settings.bandLow() && c.predictedSuccess() <= settings.bandHigh();
    }

    private static boolean mastered(Input input, long kp) {
        KpState state = input.states().get(kp);
        return state != null && state.mastered();
    }

    /** Mastered, or taken out of the path by a teacher: either way, nothing is left to learn on it. */
    private static boolean done(Input input, long kp) {
        return mastered(input, kp) || input.skipped().contains(kp);
    }

    /** Mastered well enough to build on, or taken out of the path by a teacher: nothing that needs it waits for it. */
    private static boolean ready(Input input, long kp) {
        return buildsOn(input, kp) || input.skipped().contains(kp);
    }

    /** Mastered well enough to build on, by the student's own answers. */
    private static boolean buildsOn(Input input, long kp) {
        KpState state = input.states().get(kp);
        return state != null && (state.ready() || state.mastered());
    }

    /** The chance that the point is on the student's outer fringe: not mastered, its prerequisites mastered. */
    private static double onFringe(Input input, long kp, Map<Long, List<Long>> prerequisites) {
        double chance = 1 - masteryOf(input, kp);
        for (long p : prerequisites.getOrDefault(kp, List.of())) {
            if (!input.skipped().contains(p)) {
                chance *= masteryOf(input, p);
            }
        }
        return chance;
    }

    /** Fringe points whose chances differ by less than a band are ordered by depth and what they unlock. */
    private static int likelihoodBand(double chance) {
        return (int) Math.floor(chance * LIKELIHOOD_BANDS);
    }

    private static double masteryOf(Input input, long kp) {
        KpState state = input.states().get(kp);
        return state == null ? 0 : state.mastery();
    }

    /** The points and all their prerequisites, transitively. */
    static Set<Long> closure(Set<Long> points, Map<Long, List<Long>> prerequisites) {
        Set<Long> seen = new LinkedHashSet<>();
        List<Long> frontier = new ArrayList<>(points);
        while (!frontier.isEmpty()) {
            long kp = frontier.removeLast();
            if (seen.add(kp)) {
                frontier.addAll(prerequisites.getOrDefault(kp, List.of()));
            }
        }
        return seen;
    }

    /** Longest chain of prerequisites below a point (0 for a point without any). */
    private static int depth(long kp, Map<Long, List<Long>> prerequisites, Map<Long, Integer> memo) {
        Integer known = memo.get(kp);
        if (known != null) {
            return known;
        }
        int deepest = 0;
        for (long p : prerequisites.getOrDefault(kp, List.of())) {
            deepest = Math.max(deepest, 1 + depth(p, prerequisites, memo));
        }
        memo.put(kp, deepest);
        return deepest;
    }
}
