package io.xueban.insight;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One student's place in the school's model: the belief about their ability and their earlier
 * right and wrong answers per knowledge point. Updated in constant time per answer.
 */
final class StudentState {

    double ability;
    double precision = PerformanceFactors.abilityPrecision();
    int answers;
    /** kp → {successes, failures} */
    final Map<Long, int[]> counts = new HashMap<>();
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
        copy.stored.addAll(stored);
        return copy;
    }

    /** Laplace update of the ability for an answer to the item, then the item's KPs' counts. */
    void observe(SchoolModel model, long item, boolean right) {
        double p = PerformanceFactors.sigmoid(ability + model.offset(item, counts));
        precision += p * (1 - p);
        ability += ((right ? 1 : 0) - p) / precision;
        answers++;
        for (long kp : model.itemKps().getOrDefault(item, List.of())) {
            int[] c = counts.computeIfAbsent(kp, k -> new int[2]);
            c[right ? 0 : 1]++;
        }
    }
}
