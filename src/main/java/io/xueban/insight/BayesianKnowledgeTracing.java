package io.xueban.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bayesian Knowledge Tracing (Corbett and Anderson): per knowledge point, a hidden state
 * (mastered or not) with a prior P(L0), a chance to learn at each practice P(T), optionally a
 * chance to forget P(F), and answers that are right by guessing P(G) or wrong by slipping P(S).
 * Parameters are fitted per knowledge point by expectation–maximisation (Baum–Welch) on each
 * student's answers to that point's items. An item with several knowledge points is predicted
 * by the mean of their predictions, and updates each of them.
 */
final class BayesianKnowledgeTracing implements MasteryModel {

    /** One knowledge point's parameters. */
    record Parameters(double prior, double learn, double forget, double guess, double slip) {

        static final Parameters DEFAULT = new Parameters(0.3, 0.1, 0.0, 0.2, 0.1);

        double correct(double mastered) {
            return mastered * (1 - slip) + (1 - mastered) * guess;
        }

        /** P(mastered) after seeing an answer, then after the practice's chance to learn or forget. */
        double update(double mastered, boolean right) {
            double evidenceMastered = right ? 1 - slip : slip;
            double evidenceNot = right ? guess : 1 - guess;
            double posterior = mastered * evidenceMastered
                    / (mastered * evidenceMastered + (1 - mastered) * evidenceNot);
            return posterior * (1 - forget) + (1 - posterior) * learn;
        }
    }

    static final int MAX_EM_ITERATIONS = 200;
    private static final double MAX_GUESS = 0.4;
    private static final double MAX_SLIP = 0.4;

    private final boolean forgetting;
    private Parameters[] parameters = new Parameters[0];

    BayesianKnowledgeTracing(boolean forgetting) {
        this.forgetting = forgetting;
    }

    @Override
    public String name() {
        return forgetting ? "BKT+forgetting" : "BKT";
    }

    Parameters parameters(int kp) {
        return kp < parameters.length && parameters[kp] != null ? parameters[kp] : Parameters.DEFAULT;
    }

    @Override
    public void fit(List<List<Attempt>> histories, int items, int kps) {
        List<List<boolean[]>> sequences = new ArrayList<>();
        for (int k = 0; k < kps; k++) {
            sequences.add(new ArrayList<>());
        }
        for (List<Attempt> history : histories) {
            List<List<Boolean>> perKp = new ArrayList<>();
            for (int k = 0; k < kps; k++) {
                perKp.add(new ArrayList<>());
            }
            for (Attempt attempt : history) {
                for (int k : attempt.kps()) {
                    perKp.get(k).add(attempt.correct());
                }
            }
            for (int k = 0; k < kps; k++) {
                List<Boolean> answers = perKp.get(k);
                if (!answers.isEmpty()) {
                    boolean[] sequence = new boolean[answers.size()];
                    for (int t = 0; t < sequence.length; t++) {
                        sequence[t] = answers.get(t);
                    }
                    sequences.get(k).add(sequence);
                }
            }
        }
        parameters = new Parameters[kps];
        for (int k = 0; k < kps; k++) {
            parameters[k] = sequences.get(k).isEmpty() ? Parameters.DEFAULT : fitOne(sequences.get(k));
        }
    }

    /** Baum–Welch for one knowledge point: states 0 = not mastered, 1 = mastered. */
    Parameters fitOne(List<boolean[]> sequences) {
        Parameters p = new Parameters(0.3, 0.1, forgetting ? 0.02 : 0.0, 0.2, 0.1);
        double previous = Double.NEGATIVE_INFINITY;
        for (int iteration = 0; iteration < MAX_EM_ITERATIONS; iteration++) {
            double priorSum = 0;
            double learnNumerator = 0;
            double notMasteredBefore = 0;
            double forgetNumerator = 0;
            double masteredBefore = 0;
            double guessNumerator = 0;
            double notMastered = 0;
            double slipNumerator = 0;
            double mastered = 0;
            double logLikelihood = 0;
            for (boolean[] answers : sequences) {
                int n = answers.length;
                double[][] alpha = new double[n][2];
                double[] scale = new double[n];
                for (int t = 0; t < n; t++) {
                    double[] before = t == 0
                            ? new double[] {1 - p.prior(), p.prior()}
                            : new double[] {
                                alpha[t - 1][0] * (1 - p.learn()) + alpha[t - 1][1] * p.forget(),
                                alpha[t - 1][0] * p.learn() + alpha[t - 1][1] * (1 - p.forget())};
                    alpha[t][0] = before[0] * emission(p, 0, answers[t]);
                    alpha[t][1] = before[1] * emission(p, 1, answers[t]);
                    scale[t] = alpha[t][0] + alpha[t][1];
                    alpha[t][0] /= scale[t];
                    alpha[t][1] /= scale[t];
                    logLikelihood += Math.log(scale[t]);
                }
                double[][] beta = new double[n][2];
                beta[n - 1][0] = 1;
                beta[n - 1][1] = 1;
                for (int t = n - 2; t >= 0; t--) {
                    double e0 = emission(p, 0, answers[t + 1]) * beta[t + 1][0];
                    double e1 = emission(p, 1, answers[t + 1]) * beta[t + 1][1];
                    beta[t][0] = ((1 - p.learn()) * e0 + p.learn() * e1) / scale[t + 1];
                    beta[t][1] = (p.forget() * e0 + (1 - p.forget()) * e1) / scale[t + 1];
                }
                for (int t = 0; t < n; t++) {
                    double g0 = alpha[t][0] * beta[t][0];
                    double g1 = alpha[t][1] * beta[t][1];
                    double total = g0 + g1;
                    g0 /= total;
                    g1 /= total;
                    if (t == 0) {
                        priorSum += g1;
                    }
                    notMastered += g0;
                    mastered += g1;
                    if (answers[t]) {
                        guessNumerator += g0;
                    } else {
                        slipNumerator += g1;
                    }
                    if (t < n - 1) {
                        double e0 = emission(p, 0, answers[t + 1]) * beta[t + 1][0] / scale[t + 1];
                        double e1 = emission(p, 1, answers[t + 1]) * beta[t + 1][1] / scale[t + 1];
                        learnNumerator += alpha[t][0] * p.learn() * e1;
                        forgetNumerator += alpha[t][1] * p.forget() * e0;
                        notMasteredBefore += g0;
                        masteredBefore += g1;
                    }
                }
            }
            p = new Parameters(
                    clamp(priorSum / sequences.size(), 0.01, 0.99),
                    clamp(notMasteredBefore > 0 ? learnNumerator / notMasteredBefore : p.learn(), 0.001, 0.5),
                    forgetting ? clamp(masteredBefore > 0 ? forgetNumerator / masteredBefore : 0, 0, 0.2) : 0,
                    clamp(notMastered > 0 ? guessNumerator / notMastered : p.guess(), 0.01, MAX_GUESS),
                    clamp(mastered > 0 ? slipNumerator / mastered : p.slip(), 0.01, MAX_SLIP));
            if (Math.abs(logLikelihood - previous) < 1e-6) {
                break;
            }
            previous = logLikelihood;
        }
        return p;
    }

    private static double emission(Parameters p, int state, boolean right) {
        if (state == 1) {
            return right ? 1 - p.slip() : p.slip();
        }
        return right ? p.guess() : 1 - p.guess();
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    @Override
    public Tracker track() {
        double[] state = new double[parameters.length];
        for (int k = 0; k < state.length; k++) {
            state[k] = parameters(k).prior();
        }
        return new Tracker() {
            double[] mastered = state;

            @Override
            public double predict(int item, int[] kps) {
                if (kps.length == 0) {
                    return 0.5;
                }
                double sum = 0;
                for (int k : kps) {
                    sum += parameters(k).correct(mastery(k));
                }
                return sum / kps.length;
            }

            @Override
            public void observe(Attempt attempt) {
                for (int k : attempt.kps()) {
                    if (k >= mastered.length) {
                        int known = mastered.length;
                        mastered = Arrays.copyOf(mastered, k + 1);
                        for (int j = known; j <= k; j++) {
                            mastered[j] = parameters(j).prior();
                        }
                    }
                    mastered[k] = parameters(k).update(mastery(k), attempt.correct());
                }
            }

            @Override
            public double mastery(int kp) {
                return kp < mastered.length ? mastered[kp] : parameters(kp).prior();
            }
        };
    }
}
