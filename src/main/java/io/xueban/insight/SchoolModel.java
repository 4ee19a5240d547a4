package io.xueban.insight;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemFacts;

/**
 * A school's two models with the items they apply to. Whether a student has mastered a point, and
 * how likely they are to answer a given item right, is the hidden-state model's
 * ({@link MasteryTracing}: each item's guess and slip, each point's prior, learn and forget
 * chances). The student's ability θ is the performance-factors model's: logit P(right) = θ − b_i +
 * Σ_k (β_k + γ_k·successes_k + ρ_k·failures_k). Before the first fit, every knowledge point gets
 * the same modest terms and chances, and items their IRT difficulty (or 0) and a guess from their
 * type.
 */
record SchoolModel(Map<Long, Terms> kpTerms, Map<Long, Double> itemDifficulty, Map<Long, List<Long>> itemKps,
        Map<Long, BloomLevel> itemBloom, Map<Long, Double> typicalDifficulty,
        Map<Long, MasteryTracing.ItemParameters> itemChances, Map<Long, MasteryTracing.PointParameters> pointChances,
        Instant fittedAt) {

    /** β, γ, ρ of one knowledge point. */
    record Terms(double base, double success, double failure) {
    }

    /** Until a school's model is fitted: a right answer counts a little more than a wrong one costs. */
    static final Terms UNFITTED = new Terms(0.0, 0.15, -0.1);

    static SchoolModel of(List<ItemFacts> items, Map<Long, Terms> fittedTerms, Map<Long, Double> fittedDifficulty,
            Map<Long, MasteryTracing.ItemParameters> fittedChances, Map<Long, MasteryTracing.PointParameters> pointChances,
            Instant fittedAt) {
        Map<Long, MasteryTracing.ItemParameters> chances = new HashMap<>();
        Map<Long, List<Long>> itemKps = new HashMap<>();
        Map<Long, BloomLevel> bloom = new HashMap<>();
        Map<Long, Double> difficulty = new HashMap<>();
        Map<Long, List<Double>> byKp = new HashMap<>();
        for (ItemFacts item : items) {
            itemKps.put(item.id(), item.kpIds());
            bloom.put(item.id(), item.bloomLevel());
            double b = fittedDifficulty.getOrDefault(item.id(), item.difficulty() == null ? 0.0 : item.difficulty());
            difficulty.put(item.id(), b);
            chances.put(item.id(), fittedChances.getOrDefault(item.id(), new MasteryTracing.ItemParameters(
                    MasteryTracing.guessBefore(item), MasteryTracing.DEFAULT_ITEM.slip())));
            for (long kp : item.kpIds()) {
                byKp.computeIfAbsent(kp, k -> new ArrayList<>()).add(b);
            }
        }
        Map<Long, Double> typical = new HashMap<>();
        byKp.forEach((kp, values) -> {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            typical.put(kp, sorted.get(sorted.size() / 2));
        });
        return new SchoolModel(fittedTerms, difficulty, itemKps, bloom, typical, chances, pointChances, fittedAt);
    }

    MasteryTracing.PointParameters chances(long kp) {
        return pointChances.getOrDefault(kp, MasteryTracing.DEFAULT_POINT);
    }

    MasteryTracing.ItemParameters chancesOfItem(long item) {
        return itemChances.getOrDefault(item, MasteryTracing.DEFAULT_ITEM);
    }

    Terms terms(long kp) {
        return kpTerms.getOrDefault(kp, UNFITTED);
    }

    /** Everything in the logit but θ, for an item and the student's counts so far. */
    double offset(long item, Map<Long, int[]> counts) {
        double z = -itemDifficulty.getOrDefault(item, 0.0);
        for (long kp : itemKps.getOrDefault(item, List.of())) {
            Terms t = terms(kp);
            int[] c = counts.getOrDefault(kp, new int[2]);
            z += t.base() + t.success() * c[0] + t.failure() * c[1];
        }
        return z;
    }

}
