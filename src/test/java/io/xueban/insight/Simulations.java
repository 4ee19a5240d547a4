package io.xueban.insight;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Response data simulated from known item parameters, for recovery tests. */
final class Simulations {

    private Simulations() {
    }

    /** Known parameters and the answers they produced. */
    record Simulated(double[] difficulty, double[] discrimination, ResponseMatrix data) {
    }

    /**
     * Persons with θ ~ N(0, 1) answer items with P = 1 / (1 + exp(−a(θ − b))); each answer is
     * left out with probability {@code missing}. Difficulties ~ N(0, 1) clipped to ±2.5,
     * discriminations uniform in [minA, maxA] (1 for Rasch).
     */
    static Simulated simulate(long seed, int persons, int items, double minA, double maxA, double missing) {
        Random random = new Random(seed);
        double[] b = new double[items];
        double[] a = new double[items];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            b[i] = Math.max(-2.5, Math.min(2.5, random.nextGaussian()));
            a[i] = minA + (maxA - minA) * random.nextDouble();
            ids.add("Q" + (i + 1));
        }
        byte[][] scores = new byte[persons][items];
        for (int p = 0; p < persons; p++) {
            double theta = random.nextGaussian();
            for (int i = 0; i < items; i++) {
                double probability = 1 / (1 + Math.exp(-a[i] * (theta - b[i])));
                boolean right = random.nextDouble() < probability;
                scores[p][i] = random.nextDouble() < missing ? ResponseMatrix.MISSING : (byte) (right ? 1 : 0);
            }
        }
        return new Simulated(b, a, new ResponseMatrix(ids, scores));
    }

    static double correlation(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    static double rmse(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return Math.sqrt(sum / x.length);
    }

    static double mean(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }

    static double[] centered(double[] x) {
        double m = mean(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - m;
        }
        return out;
    }
}
