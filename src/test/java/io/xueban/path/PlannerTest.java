package io.xueban.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import io.xueban.curriculum.BloomLevel;

/** Planner properties on random prerequisite graphs, mastery states and item pools. */
class PlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-28T08:00:00Z");
    private final Planner planner = new Planner(Planner.Settings.DEFAULTS, Fsrs.withDefaults());

    /** A random DAG: point i may need any point below it. */
    record World(Map<Long, List<Long>> prerequisites, Map<Long, List<Planner.Candidate>> items, int size) {
    }

    static World world(Random random) {
        int n = 5 + random.nextInt(26);
        double density = 0.05 + 0.25 * random.nextDouble();
        Map<Long, List<Long>> prerequisites = new HashMap<>();
        Map<Long, List<Planner.Candidate>> items = new HashMap<>();
        long itemId = 1000;
        for (long kp = 1; kp <= n; kp++) {
            List<Long> needs = new ArrayList<>();
            for (long below = 1; below < kp; below++) {
                if (random.nextDouble() < density) {
                    needs.add(below);
                }
            }
            prerequisites.put(kp, needs);
            List<Planner.Candidate> pool = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pool.add(new Planner.Candidate(itemId++, kp, random.nextDouble(),
                        BloomLevel.values()[random.nextInt(BloomLevel.values().length)]));
            }
            items.put(kp, pool);
        }
        return new World(prerequisites, items, n);
    }

    static Set<Long> targets(Random random, int n) {
        Set<Long> targets = new LinkedHashSet<>();
        int count = 1 + random.nextInt(3);
        while (targets.size() < count) {
            targets.add(1L + random.nextInt(n));
        }
        return targets;
    }

    private static Planner.KpState state(long kp, boolean mastered, int failures, double daysAgo) {
        return new Planner.KpState(kp, mastered ? 0.97 : 0.3, mastered, mastered, failures,
                mastered ? new Fsrs.Memory(10, 5) : null, mastered ? NOW.minus(Duration.ofHours((long) (daysAgo * 24))) : null);
    }

    @RepeatedTest(200)
    void neverProposesAPointWithAnUnmasteredPrerequisite(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        World world = world(random);
        Map<Long, Planner.KpState> states = new HashMap<>();
        for (long kp = 1; kp <= world.size(); kp++) {
            states.put(kp, state(kp, random.nextDouble() < 0.5, random.nextDouble() < 0.2 ? 3 : 0, random.nextInt(60)));
        }
        List<Long> recent = List.of(1000L, 1001L, 1006L);

        List<Planner.Step> path = planner.plan(new Planner.Input(world.prerequisites(), targets(random, world.size()),
                states, world.items(), recent, NOW));

        Set<Long> itemsSeen = new HashSet<>();
        for (Planner.Step step : path) {
            switch (step.kind()) {
                case LEARN -> {
                    assertThat(states.get(step.kpId()).mastered()).isFalse();
                    assertThat(world.prerequisites().get(step.kpId())).allMatch(p -> states.get(p).mastered());
                }
                case STEP_BACK -> assertThat(world.prerequisites().get(step.about())).contains(step.kpId());
                case REVIEW -> {
                    assertThat(states.get(step.kpId()).mastered()).isTrue();
                    assertThat(step.recall()).isLessThan(0.9);
                }
            }
            for (long item : step.itemIds()) {
                assertThat(recent).doesNotContain(item);
                assertThat(itemsSeen.add(item)).as("item %d twice in the path", item).isTrue();
            }
            // In the band whenever the point has an unused item in the band
            boolean bandAvailable = world.items().get(step.kpId()).stream()
                    .anyMatch(c -> c.predictedSuccess() >= 0.6 && c.predictedSuccess() <= 0.85 && !recent.contains(c.itemId()));
            if (bandAvailable && !step.itemIds().isEmpty()) {
                long first = step.itemIds().getFirst();
                double p = world.items().get(step.kpId()).stream().filter(c -> c.itemId() == first).findFirst()
                        .orElseThrow().predictedSuccess();
                assertThat(p).isBetween(0.6, 0.85);
            }
        }
        assertThat(path.size()).isLessThanOrEqualTo(Planner.Settings.DEFAULTS.maxSteps());
    }

    @RepeatedTest(100)
    void followingThePathReachesEveryTarget(RepetitionInfo repetition) {
        Random random = new Random(10_000 + repetition.getCurrentRepetition());
        World world = world(random);
        Set<Long> targets = targets(random, world.size());
        Map<Long, Planner.KpState> states = new HashMap<>();
        for (long kp = 1; kp <= world.size(); kp++) {
            states.put(kp, state(kp, false, 0, 0));
        }
        int rounds = 0;
        while (!targets.stream().allMatch(t -> states.get(t).mastered())) {
            assertThat(rounds++).as("rounds").isLessThanOrEqualTo(world.size());
            List<Planner.Step> path = planner.plan(new Planner.Input(world.prerequisites(), targets, states,
                    world.items(), List.of(), NOW));
            List<Planner.Step> learning = path.stream().filter(s -> s.kind() != Planner.Kind.REVIEW).toList();
            assertThat(learning).as("a target is still open, so there is something to learn").isNotEmpty();
            learning.forEach(step -> states.put(step.kpId(), state(step.kpId(), true, 0, 0)));
        }
        // Only points on the way were learnt.
        Set<Long> needed = Planner.closure(targets, world.prerequisites());
        states.values().stream().filter(Planner.KpState::mastered)
                .forEach(state -> assertThat(needed).contains(state.kpId()));
    }

    @Test
    void aStudentWhoHasMasteredEverythingGetsOnlyReviews() {
        World world = world(new Random(5));
        Map<Long, Planner.KpState> states = new HashMap<>();
        for (long kp = 1; kp <= world.size(); kp++) {
            states.put(kp, state(kp, true, 0, kp % 2 == 0 ? 40 : 1));
        }
        List<Planner.Step> path = planner.plan(new Planner.Input(world.prerequisites(), Set.of((long) world.size()),
                states, world.items(), List.of(), NOW));

        assertThat(path).isNotEmpty().allMatch(step -> step.kind() == Planner.Kind.REVIEW);
        // Reviewed a day ago with stability 10: recall is still above 0.9, so not due.
        assertThat(path).allMatch(step -> step.kpId() % 2 == 0);
        assertThat(path).extracting(Planner.Step::recall).isSortedAccordingTo(Double::compare);
    }

    @Test
    void strugglingStepsBackToTheWeakestPrerequisite() {
        // 3 needs 1 and 2; 1 is firmly mastered, 2 only well enough to build on.
        Map<Long, List<Long>> prerequisites = Map.of(1L, List.of(), 2L, List.of(), 3L, List.of(1L, 2L));
        Map<Long, Planner.KpState> states = Map.of(
                1L, new Planner.KpState(1, 0.99, true, true, 0, new Fsrs.Memory(30, 5), NOW),
                2L, new Planner.KpState(2, 0.88, false, true, 0, new Fsrs.Memory(30, 5), NOW),
                3L, new Planner.KpState(3, 0.2, false, false, 4, null, null));

        List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, Set.of(3L), states, Map.of(), List.of(), NOW));

        assertThat(path).hasSize(1);
        assertThat(path.getFirst().kind()).isEqualTo(Planner.Kind.STEP_BACK);
        assertThat(path.getFirst().kpId()).isEqualTo(2L);
        assertThat(path.getFirst().about()).isEqualTo(3L);
        assertThat(path.getFirst().reasons()).containsExactly(Planner.Reason.STRUGGLING, Planner.Reason.WEAKEST_PREREQUISITE);

        // Once the prerequisite has been practised after those failures, the point comes back.
        Instant failedAt = NOW.minus(Duration.ofHours(1));
        Map<Long, Planner.KpState> later = Map.of(
                1L, states.get(1L),
                2L, new Planner.KpState(2, 0.9, false, true, 0, new Fsrs.Memory(30, 5), NOW),
                3L, new Planner.KpState(3, 0.2, false, false, 4, null, failedAt));
        List<Planner.Step> again = planner.plan(new Planner.Input(prerequisites, Set.of(3L), later, Map.of(), List.of(), NOW));
        assertThat(again.getFirst()).extracting(Planner.Step::kpId, Planner.Step::kind)
                .containsExactly(3L, Planner.Kind.LEARN);
    }

    @Test
    void aStudentWhoseGroundIsFirmKeepsPractisingThePointTheyFail() {
        // Failing 2 four times in a row says nothing against 1, which is firmly mastered.
        Map<Long, List<Long>> prerequisites = Map.of(1L, List.of(), 2L, List.of(1L));
        Map<Long, Planner.KpState> states = Map.of(
                1L, new Planner.KpState(1, 0.99, true, true, 0, new Fsrs.Memory(30, 5), NOW),
                2L, new Planner.KpState(2, 0.2, false, false, 4, null, NOW));

        List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, Set.of(2L), states, Map.of(), List.of(), NOW));

        assertThat(path.getFirst()).extracting(Planner.Step::kpId, Planner.Step::kind).containsExactly(2L, Planner.Kind.LEARN);
    }

    @Test
    void thePointTheStudentMostLikelyStillNeedsComesFirst() {
        // 1 and 2 are roots, 3 needs 2. The answers say 1 is probably known already (0.75) and 2 is
        // known well enough to build on: 3, though deeper, is far likelier to be the one to learn.
        Map<Long, List<Long>> prerequisites = Map.of(1L, List.of(), 2L, List.of(), 3L, List.of(2L));
        Map<Long, Planner.KpState> states = Map.of(
                1L, new Planner.KpState(1, 0.75, false, false, 0, null, NOW),
                2L, new Planner.KpState(2, 0.9, false, true, 0, null, NOW),
                3L, new Planner.KpState(3, 0.05, false, false, 0, null, null));

        List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, Set.of(1L, 3L), states, Map.of(),
                List.of(), NOW));

        assertThat(path).extracting(Planner.Step::kpId).containsExactly(3L, 1L, 2L);
    }

    @Test
    void shallowerPointsComeFirstThenThoseThatUnlockMoreTargets() {
        // 1 and 2 are roots; 3 needs 1; targets 3 and 4, and 4 needs 2 and 3... so 1 unlocks both targets.
        Map<Long, List<Long>> prerequisites = Map.of(1L, List.of(), 2L, List.of(), 3L, List.of(1L), 4L, List.of(2L, 3L));
        List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, Set.of(3L, 4L), Map.of(), Map.of(),
                List.of(), NOW));

        assertThat(path).extracting(Planner.Step::kpId).containsExactly(1L, 2L);
        assertThat(path.getFirst().unlocks()).isEqualTo(2);
        assertThat(path.get(1).unlocks()).isEqualTo(1);
    }

    @RepeatedTest(100)
    void skippedPointsNeverAppearAndOnlyTheyStandInForMastery(RepetitionInfo repetition) {
        Random random = new Random(20_000 + repetition.getCurrentRepetition());
        World world = world(random);
        Map<Long, Planner.KpState> states = new HashMap<>();
        Set<Long> skipped = new HashSet<>();
        for (long kp = 1; kp <= world.size(); kp++) {
            states.put(kp, state(kp, random.nextDouble() < 0.4, 0, random.nextInt(60)));
            if (random.nextDouble() < 0.2) {
                skipped.add(kp);
            }
        }
        List<Planner.Step> path = planner.plan(new Planner.Input(world.prerequisites(), targets(random, world.size()),
                states, world.items(), List.of(), NOW, List.of(), skipped));

        for (Planner.Step step : path) {
            assertThat(skipped).doesNotContain(step.kpId());
            if (step.kind() == Planner.Kind.LEARN) {
                List<Long> prerequisites = world.prerequisites().get(step.kpId());
                assertThat(prerequisites).allMatch(p -> states.get(p).mastered() || skipped.contains(p));
                boolean leansOnASkip = prerequisites.stream().anyMatch(p -> !states.get(p).mastered());
                assertThat(step.reasons()).contains(leansOnASkip ? Planner.Reason.PREREQUISITE_SKIPPED
                        : Planner.Reason.PREREQUISITES_MASTERED);
            }
        }
    }

    @Test
    void pinnedPointsLeadThePathUntilMastered() {
        // 2 needs 1; nothing is mastered, yet the teacher pins 2 (say, for tomorrow's test).
        Map<Long, List<Long>> prerequisites = Map.of(1L, List.of(), 2L, List.of(1L), 3L, List.of());
        Map<Long, Planner.KpState> states = new HashMap<>(Map.of(1L, state(1, false, 0, 0), 2L, state(2, false, 0, 0),
                3L, state(3, false, 0, 0)));

        List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, Set.of(2L, 3L), states, Map.of(),
                List.of(), NOW, List.of(2L), Set.of()));

        assertThat(path).extracting(Planner.Step::kpId).containsExactly(2L, 1L, 3L);
        assertThat(path.getFirst().reasons()).containsExactly(Planner.Reason.PINNED_BY_TEACHER);

        states.put(2L, state(2, true, 0, 0));
        List<Planner.Step> after = planner.plan(new Planner.Input(prerequisites, Set.of(2L, 3L), states, Map.of(),
                List.of(), NOW, List.of(2L), Set.of()));
        assertThat(after).extracting(Planner.Step::kpId).doesNotContain(2L);
    }

    @Test
    void aStrugglingStudentIsNotSentBackToASkippedPrerequisite() {
        Map<Long, List<Long>> prerequisites = Map.of(1L, List.of(), 2L, List.of(1L));
        Map<Long, Planner.KpState> states = Map.of(1L, state(1, false, 0, 0),
                2L, new Planner.KpState(2, 0.2, false, false, 5, null, NOW));

        List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, Set.of(2L), states, Map.of(), List.of(),
                NOW, List.of(), Set.of(1L)));

        assertThat(path).extracting(Planner.Step::kpId, Planner.Step::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, Planner.Kind.LEARN));
        assertThat(path.getFirst().reasons()).contains(Planner.Reason.PREREQUISITE_SKIPPED);
    }
}
