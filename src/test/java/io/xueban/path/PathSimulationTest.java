package io.xueban.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.xueban.XuebanTest;
import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.demo.DemoSchool;
import io.xueban.school.Roster;

/**
 * The planner against random practice, on simulated students with the demo's true abilities and
 * its curriculum. Each simulated student has a hidden mastered / not mastered state per point
 * (grade-7 prerequisites mastered at the start with a chance that grows with ability, unit points
 * not); an answer is right with 1 − slip when the point is mastered and by guessing otherwise;
 * practising a point is learned with a chance that grows with ability — but much less when its
 * prerequisites are not mastered yet. Both policies practise one item at a time until every point
 * of the two units is mastered (or 800 attempts); the planner sees only the answers, through
 * BKT with fixed parameters. Printed and written to {@code target/path-simulation.txt}.
 */
@XuebanTest
class PathSimulationTest {

    static final int MAX_ATTEMPTS = 800;
    private static final Instant START = Instant.parse("2026-09-07T08:00:00Z");

    @Autowired
    DemoSchool demo;
    @Autowired
    Roster roster;
    @Autowired
    KnowledgePoints knowledgePoints;
    @Autowired
    Items items;
    @Autowired
    JdbcClient jdbc;

    @Test
    void thePlannerReachesMasteryInFewerAttemptsThanRandomPractice() throws Exception {
        demo.load();
        long school = roster.schoolByCode("demo").orElseThrow();
        List<KnowledgePoint> kps = knowledgePoints.list(school, null);
        Map<Long, List<Long>> prerequisites = new HashMap<>();
        Set<Long> targets = new LinkedHashSet<>();
        Set<Long> prior = new LinkedHashSet<>();
        for (KnowledgePoint kp : kps) {
            prerequisites.put(kp.id(), kp.prerequisiteIds());
            (kp.unit().equals("预备知识") ? prior : targets).add(kp.id());
        }
        Map<Long, Double> difficulty = new HashMap<>();
        jdbc.sql("SELECT ref_id, param_value FROM simulation_truth WHERE school_id = ? AND kind = 'ITEM' AND param_name = 'difficulty'")
                .param(school).query(rs -> {
                    difficulty.put(rs.getLong(1), rs.getDouble(2));
                });
        List<Double> abilities = jdbc.sql("SELECT param_value FROM simulation_truth WHERE school_id = ? AND kind = 'STUDENT' ORDER BY ref_id")
                .param(school).query(Double.class).list();
        List<ItemFacts> pool = items.facts(school);

        Planner planner = new Planner(Planner.Settings.DEFAULTS, Fsrs.withDefaults());
        List<Integer> planned = new ArrayList<>();
        List<Integer> random = new ArrayList<>();
        int plannedCensored = 0;
        int randomCensored = 0;
        for (int s = 0; s < abilities.size(); s++) {
            int a = run(new Random(1000 + s), abilities.get(s), prerequisites, targets, prior, pool, difficulty, planner);
            int b = run(new Random(1000 + s), abilities.get(s), prerequisites, targets, prior, pool, difficulty, null);
            planned.add(a);
            random.add(b);
            plannedCensored += a >= MAX_ATTEMPTS ? 1 : 0;
            randomCensored += b >= MAX_ATTEMPTS ? 1 : 0;
        }
        double meanPlanned = planned.stream().mapToInt(Integer::intValue).average().orElseThrow();
        double meanRandom = random.stream().mapToInt(Integer::intValue).average().orElseThrow();
        long plannerFaster = java.util.stream.IntStream.range(0, planned.size())
                .filter(i -> planned.get(i) < random.get(i)).count();
        String report = String.format(java.util.Locale.ROOT,
                "Path simulation, %d demo students, %d target points: attempts to master them all — planner mean %.1f "
                        + "(%d not there after %d), random practice mean %.1f (%d not there); random / planner = %.2f; "
                        + "planner faster for %d of %d students%n",
                abilities.size(), targets.size(), meanPlanned, plannedCensored, MAX_ATTEMPTS, meanRandom, randomCensored,
                meanRandom / meanPlanned, plannerFaster, abilities.size());
        System.out.print(report);
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/path-simulation.txt"), report);

        assertThat(meanPlanned).isLessThan(meanRandom);
    }

    /** Attempts until every target is mastered (hidden truth), with the planner or (null) at random. */
    private static int run(Random random, double ability, Map<Long, List<Long>> prerequisites, Set<Long> targets,
            Set<Long> prior, List<ItemFacts> pool, Map<Long, Double> difficulty, Planner planner) {
        Map<Long, Boolean> mastered = new HashMap<>();
        for (long kp : prerequisites.keySet()) {
            mastered.put(kp, prior.contains(kp) && random.nextDouble() < 1 / (1 + Math.exp(-(ability + 0.5))));
        }
        BayesianTracker tracker = new BayesianTracker();
        List<ItemFacts> targetItems = pool.stream().filter(i -> i.kpIds().stream().anyMatch(targets::contains)).toList();
        List<Long> recent = new ArrayList<>();
        Map<Long, Integer> failures = new HashMap<>();
        Map<Long, Instant> last = new HashMap<>();
        Instant now = START;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (targets.stream().allMatch(mastered::get)) {
                return attempt;
            }
            ItemFacts item = null;
            if (planner != null) {
                Map<Long, Planner.KpState> states = new HashMap<>();
                for (long kp : prerequisites.keySet()) {
                    double p = tracker.mastery(kp);
                    states.put(kp, new Planner.KpState(kp, p, p >= 0.95, p >= 0.8, failures.getOrDefault(kp, 0), null, last.get(kp)));
                }
                Map<Long, List<Planner.Candidate>> candidates = new HashMap<>();
                for (ItemFacts facts : pool) {
                    for (long kp : facts.kpIds()) {
                        candidates.computeIfAbsent(kp, k -> new ArrayList<>()).add(new Planner.Candidate(facts.id(), kp,
                                tracker.predict(facts.kpIds()), facts.bloomLevel()));
                    }
                }
                List<Planner.Step> path = planner.plan(new Planner.Input(prerequisites, targets, states, candidates,
                        recent, now));
                Long chosen = path.stream().filter(step -> !step.itemIds().isEmpty()).map(step -> step.itemIds().getFirst())
                        .findFirst().orElse(null);
                if (chosen != null) {
                    item = pool.stream().filter(i -> i.id() == chosen).findFirst().orElseThrow();
                }
            }
            if (item == null) {
                item = targetItems.get(random.nextInt(targetItems.size()));
            }
            boolean skilled = item.kpIds().stream().allMatch(mastered::get);
            double b = difficulty.getOrDefault(item.id(), 0.0);
            double right = skilled ? 1 / (1 + Math.exp(-(2.5 + ability - b))) : 0.15;
            boolean correct = random.nextDouble() < right;
            for (long kp : item.kpIds()) {
                if (!mastered.get(kp)) {
                    boolean ready = prerequisites.get(kp).stream().allMatch(mastered::get);
                    double learn = (ready ? 0.3 : 0.03) * Math.exp(0.3 * ability);
                    mastered.put(kp, random.nextDouble() < learn);
                }
                failures.put(kp, correct ? 0 : failures.getOrDefault(kp, 0) + 1);
                last.put(kp, now);
            }
            tracker.observe(item.kpIds(), correct);
            recent.addFirst(item.id());
            now = now.plus(Duration.ofMinutes(3));
        }
        return MAX_ATTEMPTS;
    }

    /** BKT with fixed, plausible parameters: what the planner knows of a student is only their answers. */
    static final class BayesianTracker {
        private static final double PRIOR = 0.2;
        private static final double LEARN = 0.15;
        private static final double GUESS = 0.15;
        private static final double SLIP = 0.1;
        private final Map<Long, Double> mastery = new HashMap<>();

        double mastery(long kp) {
            return mastery.getOrDefault(kp, PRIOR);
        }

        double predict(List<Long> kps) {
            return kps.stream().mapToDouble(kp -> mastery(kp) * (1 - SLIP) + (1 - mastery(kp)) * GUESS).average().orElse(0.5);
        }

        void observe(List<Long> kps, boolean right) {
            for (long kp : kps) {
                double m = mastery(kp);
                double posterior = right ? m * (1 - SLIP) / (m * (1 - SLIP) + (1 - m) * GUESS)
                        : m * SLIP / (m * SLIP + (1 - m) * (1 - GUESS));
                mastery.put(kp, posterior + (1 - posterior) * LEARN);
            }
        }
    }
}
