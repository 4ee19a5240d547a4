package io.xueban.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Rasch model by conditional maximum likelihood: item difficulties are estimated from each
 * person's answers given their raw score, so person abilities drop out and need no distribution.
 * Persons may skip items: persons who answered the same set of items form a booklet, and each
 * booklet has its own elementary symmetric functions. Difficulties are normalised to sum zero.
 * Items answered by nobody, or answered all right or all wrong, have no finite estimate and are
 * reported as such.
 */
final class RaschCml {

    static final int MAX_ITERATIONS = 1000;
    static final double TOLERANCE = 1e-8;
    private static final double MAX_STEP = 2.0;

    private RaschCml() {
    }

    /** Persons who answered the same items, counted by raw score. */
    private static final class Booklet {
        final int[] items;          // indices into the estimated items
        final int[] personsAtScore; // [r] persons with raw score r
        final long[][] rightAtScore; // [r][j] right answers to items[j] by persons with score r

        Booklet(int[] items) {
            this.items = items;
            this.personsAtScore = new int[items.length + 1];
            this.rightAtScore = new long[items.length + 1][items.length];
        }
    }

    static Calibration fit(ResponseMatrix data) {
        int n = data.items();
        List<Integer> estimated = new ArrayList<>();
        ItemEstimate[] result = new ItemEstimate[n];
        for (int i = 0; i < n; i++) {
            int[] counts = data.answeredAndRight(i);
            if (!ItemEstimate.estimable(counts[0], counts[1])) {
                result[i] = ItemEstimate.unestimable(data.itemIds().get(i), counts[0], counts[1]);
            } else {
                estimated.add(i);
            }
        }
        int m = estimated.size();
        List<Booklet> booklets = booklets(data, estimated);
        int personsUsed = 0;
        for (Booklet booklet : booklets) {
            for (int r = 1; r < booklet.items.length; r++) {
                personsUsed += booklet.personsAtScore[r];
            }
        }

        double[] b = startingValues(data, estimated);
        int iteration = 0;
        boolean converged = m == 0;
        while (!converged && iteration < MAX_ITERATIONS) {
            iteration++;
            double[] gradient = new double[m];
            double[] curvature = new double[m];
            for (Booklet booklet : booklets) {
                accumulate(booklet, b, gradient, curvature);
            }
            double largest = 0;
            for (int j = 0; j < m; j++) {
                double step = curvature[j] > 0 ? gradient[j] / curvature[j] : 0;
                step = Math.max(-MAX_STEP, Math.min(MAX_STEP, step));
                b[j] += step;
                largest = Math.max(largest, Math.abs(step));
            }
            center(b);
            converged = largest < TOLERANCE;
        }

        double[] variance = variances(booklets, b);
        double logLikelihood = 0;
        for (Booklet booklet : booklets) {
            logLikelihood += logLikelihood(booklet, b);
        }
        for (int j = 0; j < m; j++) {
            int item = estimated.get(j);
            int[] counts = data.answeredAndRight(item);
            result[item] = new ItemEstimate(data.itemIds().get(item), b[j], 1.0, ItemEstimate.standardError(variance[j]),
                    null, counts[0], counts[1],
                    ItemEstimate.Status.ESTIMATED);
        }
        return new Calibration("rasch", data.persons(), personsUsed, Arrays.asList(result), logLikelihood, iteration,
                converged);
    }

    private static List<Booklet> booklets(ResponseMatrix data, List<Integer> estimated) {
        Map<String, Booklet> byPattern = new HashMap<>();
        int m = estimated.size();
        for (byte[] row : data.scores()) {
            StringBuilder key = new StringBuilder(m);
            List<Integer> answered = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                boolean has = row[estimated.get(j)] != ResponseMatrix.MISSING;
                key.append(has ? '1' : '0');
                if (has) {
                    answered.add(j);
                }
            }
            if (answered.size() < 2) {
                continue; // one answer says nothing about relative difficulty
            }
            Booklet booklet = byPattern.computeIfAbsent(key.toString(),
                    k -> new Booklet(answered.stream().mapToInt(Integer::intValue).toArray()));
            int score = 0;
            for (int j : booklet.items) {
                score += row[estimated.get(j)];
            }
            booklet.personsAtScore[score]++;
            for (int p = 0; p < booklet.items.length; p++) {
                booklet.rightAtScore[score][p] += row[estimated.get(booklet.items[p])];
            }
        }
        return new ArrayList<>(byPattern.values());
    }

    /** log((wrong + ½) / (right + ½)) per item, centred: close to the answer for moderate data. */
    private static double[] startingValues(ResponseMatrix data, List<Integer> estimated) {
        double[] b = new double[estimated.size()];
        for (int j = 0; j < b.length; j++) {
            int[] counts = data.answeredAndRight(estimated.get(j));
            b[j] = Math.log((counts[0] - counts[1] + 0.5) / (counts[1] + 0.5));
        }
        center(b);
        return b;
    }

    private static void center(double[] b) {
        double mean = Arrays.stream(b).average().orElse(0);
        for (int j = 0; j < b.length; j++) {
            b[j] -= mean;
        }
    }

    /**
     * Adds the booklet's part of the gradient of the conditional log-likelihood with respect to
     * each difficulty (expected minus observed right answers) and of its curvature.
     */
    private static void accumulate(Booklet booklet, double[] b, double[] gradient, double[] curvature) {
        int k = booklet.items.length;
        double[] eps = epsilons(booklet, b);
        double[][] prefix = prefixEsf(eps);
        double[][] suffix = suffixEsf(eps);
        double[] gamma = prefix[k];
        for (int p = 0; p < k; p++) {
            int j = booklet.items[p];
            for (int r = 1; r < k; r++) {
                int count = booklet.personsAtScore[r];
                if (count == 0) {
                    continue;
                }
                double expected = eps[p] * leaveOneOut(prefix[p], suffix[p + 1], r - 1) / gamma[r];
                gradient[j] += count * expected - booklet.rightAtScore[r][p];
                curvature[j] += count * expected * (1 - expected);
            }
        }
    }

    private static double logLikelihood(Booklet booklet, double[] b) {
        int k = booklet.items.length;
        double[] gamma = prefixEsf(epsilons(booklet, b))[k];
        double sum = 0;
        for (int r = 1; r < k; r++) {
            if (booklet.personsAtScore[r] == 0) {
                continue;
            }
            for (int p = 0; p < k; p++) {
                sum -= booklet.rightAtScore[r][p] * b[booklet.items[p]];
            }
            sum -= booklet.personsAtScore[r] * Math.log(gamma[r]);
        }
        return sum;
    }

    /**
     * Sampling variances from the full conditional information matrix, I_jl = Σ Cov(x_j, x_l | r),
     * inverted under the sum-zero constraint (its null space is the all-ones vector).
     */
    private static double[] variances(List<Booklet> booklets, double[] b) {
        int m = b.length;
        double[][] information = new double[m][m];
        for (Booklet booklet : booklets) {
            int k = booklet.items.length;
            double[] eps = epsilons(booklet, b);
            double[][] prefix = prefixEsf(eps);
            double[][] suffix = suffixEsf(eps);
            double[] gamma = prefix[k];
            double[][] expected = new double[k][k];
            for (int r = 1; r < k; r++) {
                if (booklet.personsAtScore[r] > 0) {
                    for (int q = 0; q < k; q++) {
                        expected[r][q] = eps[q] * leaveOneOut(prefix[q], suffix[q + 1], r - 1) / gamma[r];
                    }
                }
            }
            for (int p = 0; p < k; p++) {
                // The ESFs without item p, to take the pairs (p, q) out of them one q at a time
                double[] epsWithout = new double[k - 1];
                for (int q = 0, t = 0; q < k; q++) {
                    if (q != p) {
                        epsWithout[t++] = eps[q];
                    }
                }
                double[][] prefix2 = prefixEsf(epsWithout);
                double[][] suffix2 = suffixEsf(epsWithout);
                for (int r = 1; r < k; r++) {
                    int count = booklet.personsAtScore[r];
                    if (count == 0) {
                        continue;
                    }
                    double ep = expected[r][p];
                    information[booklet.items[p]][booklet.items[p]] += count * ep * (1 - ep);
                    for (int q = 0, t = 0; q < k; q++) {
                        if (q == p) {
                            continue;
                        }
                        // With one right answer, two items cannot both be right.
                        double both = r < 2 ? 0
                                : eps[p] * eps[q] * leaveOneOut(prefix2[t], suffix2[t + 1], r - 2) / gamma[r];
                        information[booklet.items[p]][booklet.items[q]] += count * (both - ep * expected[r][q]);
                        t++;
                    }
                }
            }
        }
        double[][] covariance = Matrices.pseudoInverseWithOnesNullSpace(information);
        double[] variance = new double[m];
        for (int j = 0; j < m; j++) {
            variance[j] = covariance[j][j];
        }
        return variance;
    }

    private static double[] epsilons(Booklet booklet, double[] b) {
        double[] eps = new double[booklet.items.length];
        for (int p = 0; p < eps.length; p++) {
            eps[p] = Math.exp(-b[booklet.items[p]]);
        }
        return eps;
    }

    /** prefix[t][s]: elementary symmetric function of order s of eps[0..t-1]. */
    static double[][] prefixEsf(double[] eps) {
        int k = eps.length;
        double[][] prefix = new double[k + 1][];
        prefix[0] = new double[] {1};
        for (int t = 1; t <= k; t++) {
            prefix[t] = extend(prefix[t - 1], eps[t - 1]);
        }
        return prefix;
    }

    /** suffix[t][s]: elementary symmetric function of order s of eps[t..k-1]. */
    static double[][] suffixEsf(double[] eps) {
        int k = eps.length;
        double[][] suffix = new double[k + 1][];
        suffix[k] = new double[] {1};
        for (int t = k - 1; t >= 0; t--) {
            suffix[t] = extend(suffix[t + 1], eps[t]);
        }
        return suffix;
    }

    private static double[] extend(double[] esf, double e) {
        double[] next = new double[esf.length + 1];
        for (int s = 0; s < esf.length; s++) {
            next[s] += esf[s];
            next[s + 1] += e * esf[s];
        }
        return next;
    }

    /** Order-r ESF of all items but one, from the ESFs of the items before it and after it. */
    static double leaveOneOut(double[] before, double[] after, int r) {
        if (r < 0) {
            return 0;
        }
        double sum = 0;
        int from = Math.max(0, r - (after.length - 1));
        int to = Math.min(r, before.length - 1);
        for (int s = from; s <= to; s++) {
            sum += before[s] * after[r - s];
        }
        return sum;
    }
}
