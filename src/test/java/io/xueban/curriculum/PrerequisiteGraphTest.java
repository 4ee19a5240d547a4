package io.xueban.curriculum;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrerequisiteGraphTest {

    // 3 needs 2, 2 needs 1
    private final PrerequisiteGraph chain = new PrerequisiteGraph(List.of(
            new PrerequisiteGraph.Edge(3, 2), new PrerequisiteGraph.Edge(2, 1)));

    @Test
    void edgeThatClosesALoopIsReportedAsTheFullCycle() {
        // 1 needs 3 would give 1 -> 3 -> 2 -> 1
        assertThat(chain.cycleIfAdded(1, 3)).contains(List.of(1L, 3L, 2L, 1L));
    }

    @Test
    void edgesAlongTheOrderAreSafe() {
        assertThat(chain.cycleIfAdded(3, 1)).isEmpty();
        assertThat(chain.cycleIfAdded(4, 3)).isEmpty();
    }

    @Test
    void selfPrerequisiteIsACycle() {
        assertThat(chain.cycleIfAdded(2, 2)).contains(List.of(2L, 2L));
    }

    @Test
    void removingAnEdgeSetMakesRoomForANewOrder() {
        PrerequisiteGraph graph = new PrerequisiteGraph(List.of(
                new PrerequisiteGraph.Edge(3, 2), new PrerequisiteGraph.Edge(2, 1)));
        graph.removeAllOf(2);
        assertThat(graph.cycleIfAdded(1, 3)).isEmpty();
    }
}
