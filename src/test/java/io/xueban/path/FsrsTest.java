package io.xueban.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FsrsTest {

    private final Fsrs fsrs = Fsrs.withDefaults();
    private static final double W20 = 0.1542;
    private static final double F = Math.pow(0.9, -1 / W20) - 1;

    @Test
    void recallFollowsTheFormulaOnATableOfCases() {
        double[][] cases = {
            // days, stability
            {0, 1}, {1, 1}, {3, 1}, {10, 2.3065}, {30, 8.2956}, {100, 20}, {365, 50}, {0.5, 0.212}, {7, 100},
        };
        for (double[] c : cases) {
            double expected = Math.pow(1 + F * c[0] / c[1], -W20);
            assertThat(fsrs.retrievability(c[0], c[1])).as("R(%s, %s)", c[0], c[1]).isCloseTo(expected, within(1e-6));
        }
        // By construction, recall is 0.9 after S days.
        assertThat(fsrs.retrievability(8.2956, 8.2956)).isCloseTo(0.9, within(1e-6));
        assertThat(fsrs.retrievability(0, 5)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void intervalsInvertTheRecallCurve() {
        double[][] cases = {
            // stability, desired retention
            {1, 0.9}, {2.3065, 0.9}, {8.2956, 0.85}, {20, 0.95}, {50, 0.8}, {0.212, 0.9},
        };
        for (double[] c : cases) {
            double expected = c[0] / F * (Math.pow(c[1], -1 / W20) - 1);
            double interval = fsrs.interval(c[0], c[1]);
            assertThat(interval).as("interval(%s, %s)", c[0], c[1]).isCloseTo(expected, within(1e-6));
            assertThat(fsrs.retrievability(interval, c[0])).isCloseTo(c[1], within(1e-6));
        }
        assertThat(fsrs.interval(7, 0.9)).isCloseTo(7, within(1e-6));
    }

    @Test
    void initialStateAndUpdatesFollowTheDefaultWeights() {
        Fsrs.Memory good = fsrs.first(Fsrs.Grade.GOOD);
        assertThat(good.stability()).isCloseTo(2.3065, within(1e-12));
        assertThat(good.difficulty()).isCloseTo(6.4133 - Math.exp(0.8334 * 2) + 1, within(1e-9));
        assertThat(fsrs.first(Fsrs.Grade.AGAIN).stability()).isCloseTo(0.212, within(1e-12));

        // Remembering after the interval makes the memory last longer; forgetting makes it shorter.
        Fsrs.Memory remembered = fsrs.review(good, 3, Fsrs.Grade.GOOD);
        Fsrs.Memory forgotten = fsrs.review(good, 3, Fsrs.Grade.AGAIN);
        assertThat(remembered.stability()).isGreaterThan(good.stability());
        assertThat(forgotten.stability()).isLessThan(good.stability());
        assertThat(forgotten.difficulty()).isGreaterThan(good.difficulty());
        // The success formula by hand for this case
        double r = Math.pow(1 + F * 3 / 2.3065, -W20);
        double expected = 2.3065 * (Math.exp(1.8722) * (11 - good.difficulty()) * Math.pow(2.3065, -0.1666)
                * (Math.exp(0.796 * (1 - r)) - 1) + 1);
        assertThat(remembered.stability()).isCloseTo(expected, within(1e-6));
    }
}
