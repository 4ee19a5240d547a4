package io.xueban.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A logistic performance-factors model (after Pavlik, Cen and Koedinger's PFA, with a student
 * ability and item difficulties added): for student s answering item i that tests knowledge
 * points K,
 * <pre>logit P(right) = θ_s − b_i + Σ_{k∈K} (β_k + γ_k·successes_sk + ρ_k·failures_sk)</pre>
 * where the counts are the student's earlier right and wrong answers on k. Fitted by penalised
 * maximum likelihood (θ ~ N(0, 1), b ~ N(0, 2²), small ridge on the rest) with Adam on the full
 * batch. A student's θ is then followed answer by answer with a Laplace (one Newton step)
 * update of its N(0, 1) posterior.
 */
final class PerformanceFactors implements MasteryModel {

    static final int EPOCHS = 400;
    private static final double LEARNING_RATE = 0.05;
    private static final double ABILITY_PRECISION = 1.0;
    private static final double DIFFICULTY_PRECISION = 0.25;
    private static final double RIDGE = 0.01;

    private double[] difficulty = new double[0];
    private double[] base = new double[0];
    private double[] successWeight = new double[0];
    private double[] failureWeight = new double[0];

    @Override
    public String name() {
        return "PFA";
    }

    @Override
    public void fit(List<List<Attempt>> histories, int items, int kps) {
        // Rows: (student, item, kps, successes per kp, failures per kp, right)
        List<int[]> rowKps = new ArrayList<>();
        List<int[]> rowSuccesses = new ArrayList<>();
        List<int[]> rowFailures = new ArrayList<>();
        List<Integer> rowStudent = new ArrayList<>();
        List<Integer> rowItem = new ArrayList<>();
        List<Boolean> rowRight = new ArrayList<>();
        for (int s = 0; s < histories.size(); s++) {
            int[] successes = new int[kps];
            int[] failures = new int[kps];
            for (Attempt attempt : histories.get(s)) {
                int[] ks = attempt.kps();
                int[] sc = new int[ks.length];
                int[] fc = new int[ks.length];
                for (int j = 0; j < ks.length; j++) {
                    sc[j] = successes[ks[j]];
                    fc[j] = failures[ks[j]];
                }
                rowStudent.add(s);
                rowItem.add(attempt.item());
                rowKps.add(ks);
                rowSuccesses.add(sc);
                rowFailures.add(fc);
                rowRight.add(attempt.correct());
                for (int k : ks) {
                    if (attempt.correct()) {
                        successes[k]++;
                    } else {
                        failures[k]++;
                    }
                }
            }
        }
        int students = histories.size();
        // Parameter vector: θ (students), b (items), β, γ, ρ (kps each)
        int offsetB = students;
        int offsetBeta = offsetB + items;
        int offsetGamma = offsetBeta + kps;
        int offsetRho = offsetGamma + kps;
        int size = offsetRho + kps;
        double[] w = new double[size];
        double[] m = new double[size];
        double[] v = new double[size];
        double[] gradient = new double[size];
        int rows = rowRight.size();
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            Arrays.fill(gradient, 0);
            for (int r = 0; r < rows; r++) {
                int s = rowStudent.get(r);
                int item = rowItem.get(r);
                int[] ks = rowKps.get(r);
                int[] sc = rowSuccesses.get(r);
                int[] fc = rowFailures.get(r);
                double z = w[s] - w[offsetB + item];
                for (int j = 0; j < ks.length; j++) {
                    z += w[offsetBeta + ks[j]] + w[offsetGamma + ks[j]] * sc[j] + w[offsetRho + ks[j]] * fc[j];
                }
                double error = (rowRight.get(r) ? 1 : 0) - sigmoid(z);
                // gradient of the negative log-likelihood
                gradient[s] -= error;
                gradient[offsetB + item] += error;
                for (int j = 0; j < ks.length; j++) {
                    gradient[offsetBeta + ks[j]] -= error;
                    gradient[offsetGamma + ks[j]] -= error * sc[j];
                    gradient[offsetRho + ks[j]] -= error * fc[j];
                }
            }
            for (int x = 0; x < size; x++) {
                double precision = x < offsetB ? ABILITY_PRECISION : x < offsetBeta ? DIFFICULTY_PRECISION : RIDGE;
                double g = gradient[x] + precision * w[x];
                m[x] = 0.9 * m[x] + 0.1 * g;
                v[x] = 0.999 * v[x] + 0.001 * g * g;
                double mHat = m[x] / (1 - Math.pow(0.9, epoch));
                double vHat = v[x] / (1 - Math.pow(0.999, epoch));
                w[x] -= LEARNING_RATE * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        difficulty = Arrays.copyOfRange(w, offsetB, offsetBeta);
        base = Arrays.copyOfRange(w, offsetBeta, offsetGamma);
        successWeight = Arrays.copyOfRange(w, offsetGamma, offsetRho);
        failureWeight = Arrays.copyOfRange(w, offsetRho, size);
    }

    /** Fitted terms, by dense index: item difficulty, and per knowledge point β, γ, ρ. */
    double[] difficulties() {
        return difficulty.clone();
    }

    double[][] knowledgePointTerms() {
        return new double[][] {base.clone(), successWeight.clone(), failureWeight.clone()};
    }

    /** The prior precision of a student's ability, N(0, 1). */
    static double abilityPrecision() {
        return ABILITY_PRECISION;
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Everything in the logit but the student's ability, for an item and the counts so far. */
    double offset(int item, int[] kps, int[] successes, int[] failures) {
        double z = item < difficulty.length ? -difficulty[item] : 0;
        for (int k : kps) {
            if (k < base.length) {
                z += base[k] + successWeight[k] * successes[k] + failureWeight[k] * failures[k];
            }
        }
        return z;
    }

    /** The median difficulty of the items: what a "typical item" means for mastery. */
    double typicalDifficulty() {
        if (difficulty.length == 0) {
            return 0;
        }
        double[] sorted = difficulty.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @Override
    public Tracker track() {
        int kps = base.length;
        return new Tracker() {
            final int[] successes = new int[kps];
            final int[] failures = new int[kps];
            double theta;
            /** Precision of the belief about θ: the prior's, plus the information of each answer. */
            double precision = ABILITY_PRECISION;

            @Override
            public double predict(int item, int[] ks) {
                return sigmoid(theta + offset(item, ks, successes, failures));
            }

            /**
             * One Newton step of the posterior mode of θ per answer (a Laplace update): constant
             * time, so an update stays far below a millisecond however long the history.
             */
            @Override
            public void observe(Attempt attempt) {
                double p = sigmoid(theta + offset(attempt.item(), attempt.kps(), successes, failures));
                precision += p * (1 - p);
                theta += ((attempt.correct() ? 1 : 0) - p) / precision;
                for (int k : attempt.kps()) {
                    if (k < kps) {
                        if (attempt.correct()) {
                            successes[k]++;
                        } else {
                            failures[k]++;
                        }
                    }
                }
            }

            @Override
            public double mastery(int kp) {
                double z = theta - typicalDifficulty();
                if (kp < kps) {
                    z += base[kp] + successWeight[kp] * successes[kp] + failureWeight[kp] * failures[kp];
                }
                return sigmoid(z);
            }
        };
    }
}
