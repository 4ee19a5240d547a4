package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Item calibration recovers known parameters from simulated answers (with 10% of answers
 * missing), and its standard errors are honest: about as large as the actual errors. The
 * figures are printed.
 */
class CalibrationRecoveryTest {

    @Test
    void raschCmlRecoversDifficulties() {
        Simulations.Simulated sim = Simulations.simulate(20261128, 2000, 30, 1, 1, 0.1);

        Calibration fit = RaschCml.fit(sim.data());

        assertThat(fit.converged()).isTrue();
        double[] estimated = fit.items().stream().mapToDouble(ItemEstimate::difficulty).toArray();
        double[] truth = Simulations.centered(sim.difficulty());
        double correlation = Simulations.correlation(estimated, truth);
        double rmse = Simulations.rmse(estimated, truth);
        double meanSe = fit.items().stream().mapToDouble(ItemEstimate::se).average().orElseThrow();
        System.out.printf("Rasch CML, 2000 persons × 30 items, 10%% missing: r(b) = %.4f, RMSE(b) = %.3f, "
                + "mean SE = %.3f, %d iterations, log-likelihood %.1f%n", correlation, rmse, meanSe, fit.iterations(),
                fit.logLikelihood());
        assertThat(correlation).isGreaterThanOrEqualTo(0.98);
        assertThat(Simulations.mean(estimated)).isCloseTo(0, within(1e-9));
        assertThat(meanSe / rmse).as("standard errors match the actual errors").isBetween(0.6, 1.6);
    }

    @Test
    void twoPlMmlRecoversDifficultiesAndDiscriminations() {
        Simulations.Simulated sim = Simulations.simulate(20261129, 4000, 25, 0.6, 2.2, 0.1);

        Calibration fit = TwoPlMml.fit(sim.data());

        assertThat(fit.converged()).isTrue();
        double[] b = fit.items().stream().mapToDouble(ItemEstimate::difficulty).toArray();
        double[] a = fit.items().stream().mapToDouble(ItemEstimate::discrimination).toArray();
        double rB = Simulations.correlation(b, sim.difficulty());
        double rA = Simulations.correlation(a, sim.discrimination());
        double rmseB = Simulations.rmse(b, sim.difficulty());
        double rmseA = Simulations.rmse(a, sim.discrimination());
        double seB = fit.items().stream().mapToDouble(ItemEstimate::se).average().orElseThrow();
        double seA = fit.items().stream().mapToDouble(ItemEstimate::discriminationSe).average().orElseThrow();
        System.out.printf("2PL MML, 4000 persons × 25 items, 10%% missing: r(b) = %.4f, RMSE(b) = %.3f, mean SE(b) = %.3f; "
                        + "r(a) = %.4f, RMSE(a) = %.3f, mean SE(a) = %.3f; %d EM cycles, log-likelihood %.1f%n",
                rB, rmseB, seB, rA, rmseA, seA, fit.iterations(), fit.logLikelihood());
        assertThat(rB).isGreaterThanOrEqualTo(0.98);
        assertThat(rA).isGreaterThanOrEqualTo(0.98);
        assertThat(seB / rmseB).isBetween(0.5, 2.0);
        assertThat(seA / rmseA).isBetween(0.5, 2.0);
    }

    @Test
    void itemsWithoutAFiniteEstimateAreReportedNotCrashedOn() {
        Simulations.Simulated sim = Simulations.simulate(7, 1000, 9, 1, 1, 0);
        byte[][] scores = sim.data().scores();
        for (byte[] row : scores) {
            row[0] = 1;                          // everyone right
            row[1] = 0;                          // everyone wrong
            row[2] = ResponseMatrix.MISSING;     // nobody answered
        }
        ResponseMatrix data = new ResponseMatrix(sim.data().itemIds(), scores);

        for (Calibration fit : List.of(RaschCml.fit(data), TwoPlMml.fit(data))) {
            assertThat(fit.items()).extracting(ItemEstimate::status).containsExactly(
                    ItemEstimate.Status.ALL_CORRECT, ItemEstimate.Status.ALL_WRONG, ItemEstimate.Status.NOT_ANSWERED,
                    ItemEstimate.Status.ESTIMATED, ItemEstimate.Status.ESTIMATED, ItemEstimate.Status.ESTIMATED,
                    ItemEstimate.Status.ESTIMATED, ItemEstimate.Status.ESTIMATED, ItemEstimate.Status.ESTIMATED);
            assertThat(fit.items().get(0).difficulty()).isNull();
            assertThat(fit.items().subList(3, 9)).allSatisfy(item -> assertThat(item.difficulty()).isFinite());
            assertThat(fit.converged()).as(fit.model() + " converged").isTrue();
        }
    }

    @Test
    void quadratureIntegratesTheStandardNormal() {
        GaussHermite gh = GaussHermite.standardNormal(41);
        double sum = 0;
        double second = 0;
        double fourth = 0;
        for (int k = 0; k < 41; k++) {
            sum += gh.weights()[k];
            second += gh.weights()[k] * Math.pow(gh.nodes()[k], 2);
            fourth += gh.weights()[k] * Math.pow(gh.nodes()[k], 4);
        }
        assertThat(sum).isCloseTo(1, within(1e-10));
        assertThat(second).isCloseTo(1, within(1e-10));
        assertThat(fourth).isCloseTo(3, within(1e-9));
    }
}
