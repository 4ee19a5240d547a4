package io.xueban.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two-parameter logistic model by marginal maximum likelihood (Bock–Aitkin EM): abilities
 * are integrated out over N(0, 1) with Gauss–Hermite quadrature; the E-step spreads each person
 * over the quadrature nodes, the M-step fits each item's logistic curve to the expected counts.
 * Parameters are reported as P = 1 / (1 + exp(−a(θ − b))). Standard errors come from the
 * cross-product of the persons' score vectors (XPD) when there are enough persons for it, else
 * from each item's own information (an underestimate, flagged by the caller's docs).
 */
final class TwoPlMml {

    static final int QUADRATURE_POINTS = 41;
    static final int MAX_CYCLES = 2000;
    static final double TOLERANCE = 1e-5;
    private static final double MIN_A = 0.05;
    private static final double MAX_A = 8.0;

    private TwoPlMml() {
    }

    static Calibration fit(ResponseMatrix data) {
        int n = data.items();
        ItemEstimate[] result = new ItemEstimate[n];
        List<Integer> estimated = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] counts = data.answeredAndRight(i);
            if (!ItemEstimate.estimable(counts[0], counts[1])) {
                result[i] = ItemEstimate.unestimable(data.itemIds().get(i), counts[0], counts[1]);
            } else {
                estimated.add(i);
            }
        }
        int m = estimated.size();
        // Persons with at least one answer to an estimated item, as (item index, score) lists
        List<int[]> items = new ArrayList<>();
        List<byte[]> scores = new ArrayList<>();
        for (byte[] row : data.scores()) {
            int count = 0;
            for (int j = 0; j < m; j++) {
                if (row[estimated.get(j)] != ResponseMatrix.MISSING) {
                    count++;
                }
            }
            if (count == 0) {
                continue;
            }
            int[] answered = new int[count];
            byte[] right = new byte[count];
            for (int j = 0, t = 0; j < m; j++) {
                byte x = row[estimated.get(j)];
                if (x != ResponseMatrix.MISSING) {
                    answered[t] = j;
                    right[t++] = x;
                }
            }
            items.add(answered);
            scores.add(right);
        }

        GaussHermite quadrature = GaussHermite.standardNormal(QUADRATURE_POINTS);
        double[] theta = quadrature.nodes();
        int q = theta.length;
        double[] a = new double[m];
        double[] c = new double[m];
        for (int j = 0; j < m; j++) {
            int[] counts = data.answeredAndRight(estimated.get(j));
            double p = (counts[1] + 0.5) / (counts[0] + 1.0);
            a[j] = 1.0;
            c[j] = Math.log(p / (1 - p));
        }

        int cycle = 0;
        boolean converged = m == 0;
        double[][] expectedAnswered = new double[m][q];
        double[][] expectedRight = new double[m][q];
        while (!converged && cycle < MAX_CYCLES) {
            cycle++;
            for (double[] row : expectedAnswered) {
                Arrays.fill(row, 0);
            }
            for (double[] row : expectedRight) {
                Arrays.fill(row, 0);
            }
            double[][] logP = new double[m][q];
            double[][] logQ = new double[m][q];
            logProbabilities(a, c, theta, logP, logQ);
            double[] posterior = new double[q];
            for (int person = 0; person < items.size(); person++) {
                posterior(items.get(person), scores.get(person), logP, logQ, quadrature.weights(), posterior);
                int[] answered = items.get(person);
                byte[] right = scores.get(person);
                for (int t = 0; t < answered.length; t++) {
                    double[] answeredRow = expectedAnswered[answered[t]];
                    for (int k = 0; k < q; k++) {
                        answeredRow[k] += posterior[k];
                    }
                    if (right[t] == 1) {
                        double[] rightRow = expectedRight[answered[t]];
                        for (int k = 0; k < q; k++) {
                            rightRow[k] += posterior[k];
                        }
                    }
                }
            }
            double largest = 0;
            for (int j = 0; j < m; j++) {
                double[] updated = maximiseItem(a[j], c[j], theta, expectedAnswered[j], expectedRight[j]);
                largest = Math.max(largest, Math.max(Math.abs(updated[0] - a[j]), Math.abs(updated[1] - c[j])));
                a[j] = updated[0];
                c[j] = updated[1];
            }
            converged = largest < TOLERANCE;
        }

        double[][] logP = new double[m][q];
        double[][] logQ = new double[m][q];
        logProbabilities(a, c, theta, logP, logQ);
        double logLikelihood = 0;
        for (int person = 0; person < items.size(); person++) {
            logLikelihood += marginalLogLikelihood(items.get(person), scores.get(person), logP, logQ,
                    quadrature.weights());
        }
        double[][] covariance = covariance(items, scores, a, c, theta, logP, logQ, quadrature.weights(),
                expectedAnswered);
        for (int j = 0; j < m; j++) {
            int item = estimated.get(j);
            int[] counts = data.answeredAndRight(item);
            double b = -c[j] / a[j];
            // Delta method for b = −c/a: ∂b/∂a = c/a², ∂b/∂c = −1/a.
            double da = c[j] / (a[j] * a[j]);
            double dc = -1 / a[j];
            double varA = covariance[2 * j][2 * j];
            double varC = covariance[2 * j + 1][2 * j + 1];
            double covAC = covariance[2 * j][2 * j + 1];
            double varB = da * da * varA + dc * dc * varC + 2 * da * dc * covAC;
            result[item] = new ItemEstimate(data.itemIds().get(item), b, a[j], ItemEstimate.standardError(varB),
                    ItemEstimate.standardError(varA), counts[0], counts[1], ItemEstimate.Status.ESTIMATED);
        }
        return new Calibration("2pl", data.persons(), items.size(), Arrays.asList(result), logLikelihood, cycle,
                converged);
    }

    private static void logProbabilities(double[] a, double[] c, double[] theta, double[][] logP, double[][] logQ) {
        for (int j = 0; j < a.length; j++) {
            for (int k = 0; k < theta.length; k++) {
                double z = a[j] * theta[k] + c[j];
                // log σ(z) and log(1 − σ(z)) without overflow
                logP[j][k] = -Math.log1p(Math.exp(-z));
                logQ[j][k] = -Math.log1p(Math.exp(z));
                if (Double.isInfinite(logP[j][k])) {
                    logP[j][k] = z;
                }
                if (Double.isInfinite(logQ[j][k])) {
                    logQ[j][k] = -z;
                }
            }
        }
    }

    /** The person's posterior over the quadrature nodes, into {@code posterior}. */
    private static void posterior(int[] answered, byte[] right, double[][] logP, double[][] logQ, double[] weights,
            double[] posterior) {
        int q = weights.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < q; k++) {
            double sum = 0;
            for (int t = 0; t < answered.length; t++) {
                sum += right[t] == 1 ? logP[answered[t]][k] : logQ[answered[t]][k];
            }
            posterior[k] = sum;
            max = Math.max(max, sum);
        }
        double total = 0;
        for (int k = 0; k < q; k++) {
            posterior[k] = Math.exp(posterior[k] - max) * weights[k];
            total += posterior[k];
        }
        for (int k = 0; k < q; k++) {
            posterior[k] /= total;
        }
    }

    private static double marginalLogLikelihood(int[] answered, byte[] right, double[][] logP, double[][] logQ,
            double[] weights) {
        double[] log = new double[weights.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < weights.length; k++) {
            double sum = 0;
            for (int t = 0; t < answered.length; t++) {
                sum += right[t] == 1 ? logP[answered[t]][k] : logQ[answered[t]][k];
            }
            log[k] = sum;
            max = Math.max(max, sum);
        }
        double total = 0;
        for (int k = 0; k < weights.length; k++) {
            total += Math.exp(log[k] - max) * weights[k];
        }
        return max + Math.log(total);
    }

    /** Newton steps on one item's expected-data log-likelihood in (a, c), P = σ(aθ + c). */
    static double[] maximiseItem(double a, double c, double[] theta, double[] answered, double[] right) {
        for (int step = 0; step < 20; step++) {
            double ga = 0;
            double gc = 0;
            double haa = 0;
            double hac = 0;
            double hcc = 0;
            for (int k = 0; k < theta.length; k++) {
                double p = 1 / (1 + Math.exp(-(a * theta[k] + c)));
                double residual = right[k] - answered[k] * p;
                double w = answered[k] * p * (1 - p);
                ga += residual * theta[k];
                gc += residual;
                haa += w * theta[k] * theta[k];
                hac += w * theta[k];
                hcc += w;
            }
            double det = haa * hcc - hac * hac;
            if (det <= 1e-12) {
                break;
            }
            double da = (hcc * ga - hac * gc) / det;
            double dc = (haa * gc - hac * ga) / det;
            double scale = Math.min(1, 1 / Math.max(Math.abs(da), Math.abs(dc)));
            a = Math.max(MIN_A, Math.min(MAX_A, a + scale * da));
            c += scale * dc;
            if (Math.abs(da) < 1e-10 && Math.abs(dc) < 1e-10) {
                break;
            }
        }
        return new double[] {a, c};
    }

    /**
     * The covariance of (a_j, c_j) for all items: the inverse of the cross-product of the
     * persons' score vectors when there are clearly more persons than parameters; otherwise the
     * inverse of each item's own expected information.
     */
    private static double[][] covariance(List<int[]> items, List<byte[]> scores, double[] a, double[] c,
            double[] theta, double[][] logP, double[][] logQ, double[] weights, double[][] expectedAnswered) {
        int m = a.length;
        int parameters = 2 * m;
        if (items.size() > 5 * parameters) {
            double[][] crossProduct = new double[parameters][parameters];
            double[] posterior = new double[weights.length];
            double[] score = new double[parameters];
            for (int person = 0; person < items.size(); person++) {
                posterior(items.get(person), scores.get(person), logP, logQ, weights, posterior);
                int[] answered = items.get(person);
                byte[] right = scores.get(person);
                Arrays.fill(score, 0);
                for (int t = 0; t < answered.length; t++) {
                    int j = answered[t];
                    for (int k = 0; k < weights.length; k++) {
                        double residual = posterior[k] * (right[t] - Math.exp(logP[j][k]));
                        score[2 * j] += residual * theta[k];
                        score[2 * j + 1] += residual;
                    }
                }
                for (int x = 0; x < parameters; x++) {
                    if (score[x] == 0) {
                        continue;
                    }
                    for (int y = 0; y < parameters; y++) {
                        crossProduct[x][y] += score[x] * score[y];
                    }
                }
            }
            try {
                return Matrices.inverse(crossProduct);
            } catch (ArithmeticException singular) {
                // fall through to the per-item information
            }
        }
        double[][] covariance = new double[parameters][parameters];
        for (int j = 0; j < m; j++) {
            double haa = 0;
            double hac = 0;
            double hcc = 0;
            for (int k = 0; k < theta.length; k++) {
                double p = Math.exp(logP[j][k]);
                double w = expectedAnswered[j][k] * p * (1 - p);
                haa += w * theta[k] * theta[k];
                hac += w * theta[k];
                hcc += w;
            }
            double det = haa * hcc - hac * hac;
            covariance[2 * j][2 * j] = det > 0 ? hcc / det : Double.NaN;
            covariance[2 * j + 1][2 * j + 1] = det > 0 ? haa / det : Double.NaN;
            covariance[2 * j][2 * j + 1] = det > 0 ? -hac / det : Double.NaN;
        }
        return covariance;
    }
}
