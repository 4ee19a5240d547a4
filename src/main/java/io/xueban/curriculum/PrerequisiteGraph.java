package io.xueban.curriculum;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The "needs" relation between knowledge points, kept a DAG: an edge {@code kp -> prerequisite}
 * may be added only if no path already leads from the prerequisite back to the knowledge point.
 */
final class PrerequisiteGraph {

    private final Map<Long, Set<Long>> needs = new HashMap<>();

    PrerequisiteGraph(Collection<Edge> edges) {
        edges.forEach(edge -> needs.computeIfAbsent(edge.kpId(), k -> new HashSet<>()).add(edge.prerequisiteId()));
    }

    /**
     * The cycle that adding {@code kp -> prerequisite} would close, as the path
     * {@code kp, prerequisite, ..., kp}; empty when the edge is safe.
     */
    Optional<List<Long>> cycleIfAdded(long kp, long prerequisite) {
        if (kp == prerequisite) {
            return Optional.of(List.of(kp, kp));
        }
        // Breadth-first from the prerequisite along "needs" edges, looking for kp.
        Map<Long, Long> reachedFrom = new HashMap<>();
        ArrayDeque<Long> queue = new ArrayDeque<>(List.of(prerequisite));
        reachedFrom.put(prerequisite, null);
        while (!queue.isEmpty()) {
            long current = queue.poll();
            if (current == kp) {
                List<Long> path = new ArrayList<>();
                for (Long step = kp; step != null; step = reachedFrom.get(step)) {
                    path.add(step);
                }
                Collections.reverse(path); // prerequisite ... kp
                List<Long> cycle = new ArrayList<>();
                cycle.add(kp);
                cycle.addAll(path);
                return Optional.of(cycle);
            }
            for (long next : needs.getOrDefault(current, Set.of())) {
                if (!reachedFrom.containsKey(next)) {
                    reachedFrom.put(next, current);
                    queue.add(next);
                }
            }
        }
        return Optional.empty();
    }

    void add(long kp, long prerequisite) {
        needs.computeIfAbsent(kp, k -> new HashSet<>()).add(prerequisite);
    }

    void removeAllOf(long kp) {
        needs.remove(kp);
    }

    record Edge(long kpId, long prerequisiteId) {
    }
}
