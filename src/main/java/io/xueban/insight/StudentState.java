package io.xueban.insight;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One student's place in the school's model: per knowledge point the probability that they have
 * mastered it and their earlier right and wrong answers; the belief about their ability. Updated
 * in constant time per answer.
 */
final class StudentState {

    double ability;
    double precision = PerformanceFactors.abilityPrecision();
    int answers;
    /** kp → {successes, failures} */
    final Map<Long, int[]> counts = new HashMap<>();
    /** kp → the probability that the point is mastered (the point's prior until its first answer) */
    final Map<Long, Double> mastered = new HashMap<>();
    /** Knowledge points whose counts already have a row in the database. */
    final Set<Long> stored = new HashSet<>();
    /** When the database row was last written (to tell whether a cached copy is current). */
    Instant updatedAt;

    /** A deep copy, so that a cached state is never changed by a transaction that may roll back. */
    StudentState copy() {
        StudentState copy = new StudentState();
        copy.ability = ability;
        copy.precision = precision;
        copy.answers = answers;
        copy.updatedAt = updatedAt;
        counts.forEach((kp, c) -> copy.counts.put(kp, c.clone()));
        copy.mastered.putAll(mastered);
        copy.stored.addAll(stored);
        return copy;
    }

    /** The probability that the student has mastered the point. */
    double mastered(SchoolModel model, long kp) {
        Double p = mastered.get(kp);
        return p != null ? p : model.chances(kp).prior();
    }

    /**
     * An answer to the item: the item's points' mastery updated (hidden-state model), a Laplace
     * update of the ability (performance-factors model), then the points' counts.
     */
    void observe(SchoolModel model, long item, boolean right) {
        List<Long> kps = model.itemKps().getOrDefault(item, List.of());
        double[] beliefs = new double[kps.size()];
        MasteryTracing.PointParameters[] points = new MasteryTracing.PointParameters[kps.size()];
        for (int j = 0; j < beliefs.length; j++) {
            beliefs[j] = mastered(model, kps.get(j));
            points[j] = model.chances(kps.get(j));
        }
        MasteryTracing.update(beliefs, model.chancesOfItem(item), points, right);
        for (int j = 0; j < beliefs.length; j++) {
            mastered.put(kps.get(j), beliefs[j]);
        }
        double p = PerformanceFactors.sigmoid(ability + model.offset(item, counts));
        precision += p * (1 - p);
        ability += ((right ? 1 : 0) - p) / precision;
        answers++;
        for (long kp : kps) {
            int[] c = counts.computeIfAbsent(kp, k -> new int[2]);
            c[right ? 0 : 1]++;
        }
    }
}
