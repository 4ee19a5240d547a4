package io.xueban.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemType;

/**
 * Knowledge tracing with a hidden mastered state per knowledge point and a guess and a slip per
 * item (BKT's states with DINA's items): an item is answered right with chance 1 − slip when the
 * student has mastered all its points, and with chance guess otherwise. Between two answers on a
 * point the student may learn it (learn) or lose it (forget); before the first, it is mastered
 * with chance prior.
 *
 * <p>A student's belief is one probability per point, updated answer by answer in constant time.
 * For an item of several points, each point's update takes the others' current beliefs as they
 * are (a mean-field step): the evidence of a wrong answer falls mostly on the point least likely
 * mastered.
 *
 * <p>Fitted by expectation–maximisation: each round follows every student forwards and backwards
 * through their answers on each point (with the other points' beliefs from the forward pass),
 * then sets each item's guess and slip and each point's prior, learn and forget from the expected
 * counts, with weak Beta priors so that an item answered a few times keeps sensible values.
 */
final class MasteryTracing implements MasteryModel {

    /** One item's chances: right without mastery, wrong with it. */
    record ItemParameters(double guess, double slip) {

        /** The chance of a right answer when all the item's points are mastered with probability {@code allMastered}. */
        double right(double allMastered) {
            return guess + (1 - slip - guess) * allMastered;
        }
    }

    /** One point's chances: mastered before the first answer, learned or lost between two answers. */
    record PointParameters(double prior, double learn, double forget) {
    }

    static final int ROUNDS = 30;
    static final ItemParameters DEFAULT_ITEM = new ItemParameters(0.2, 0.1);
    static final PointParameters DEFAULT_POINT = new PointParameters(0.3, 0.15, 0.02);
    private static final double MAX_GUESS = 0.45;
    private static final double MAX_SLIP = 0.3;
    private static final double MAX_FORGET = 0.1;
    /** Pseudo-counts of the Beta priors around the defaults. */
    private static final double ITEM_PRIOR_WEIGHT = 6;
    private static final double POINT_PRIOR_WEIGHT = 4;

    private ItemParameters[] itemParameters = new ItemParameters[0];
    private PointParameters[] pointParameters = new PointParameters[0];
    private final double[] itemGuessPrior;

    /** @param guessPriors each item's guess before fitting (one over the options of a choice item), or null for the default */
    MasteryTracing(double[] guessPriors) {
        this.itemGuessPrior = guessPriors;
    }

    MasteryTracing() {
        this(null);
    }

    @Override
    public String name() {
        return MasteryModels.MASTERY;
    }

    ItemParameters item(int item) {
        return item < itemParameters.length ? itemParameters[item] : new ItemParameters(guessPrior(item), DEFAULT_ITEM.slip());
    }

    PointParameters point(int kp) {
        return kp < pointParameters.length ? pointParameters[kp] : DEFAULT_POINT;
    }

    private double guessPrior(int item) {
        return itemGuessPrior != null && item < itemGuessPrior.length ? itemGuessPrior[item] : DEFAULT_ITEM.guess();
    }

    @Override
    public void fit(List<List<Attempt>> histories, int items, int kps) {
        itemParameters = new ItemParameters[items];
        for (int i = 0; i < items; i++) {
            itemParameters[i] = new ItemParameters(guessPrior(i), DEFAULT_ITEM.slip());
        }
        pointParameters = new PointParameters[kps];
        Arrays.fill(pointParameters, DEFAULT_POINT);
        for (int round = 0; round < ROUNDS; round++) {
            Counts counts = new Counts(items, kps);
            for (List<Attempt> history : histories) {
                expect(history, kps, counts);
            }
            maximise(counts);
        }
    }

    /** Expected counts of one round. */
    private static final class Counts {
        final double[] guessRight;
        final double[] notMastered;
        final double[] slipWrong;
        final double[] mastered;
        final double[] firstMastered;
        final double[] firsts;
        final double[] learned;
        final double[] couldLearn;
        final double[] forgot;
        final double[] couldForget;

        Counts(int items, int kps) {
            guessRight = new double[items];
            notMastered = new double[items];
            slipWrong = new double[items];
            mastered = new double[items];
            firstMastered = new double[kps];
            firsts = new double[kps];
            learned = new double[kps];
            couldLearn = new double[kps];
            forgot = new double[kps];
            couldForget = new double[kps];
        }
    }

    /** The E step for one student: a forward pass over all answers, then each point's chain backwards. */
    private void expect(List<Attempt> history, int kps, Counts counts) {
        int n = history.size();
        // Forward: the belief of each point before each answer (beliefs[t][k]), as the tracker keeps it.
        double[][] before = new double[n][];
        double[] belief = new double[kps];
        for (int k = 0; k < kps; k++) {
            belief[k] = point(k).prior();
        }
        for (int t = 0; t < n; t++) {
            before[t] = belief.clone();
            step(belief, history.get(t));
        }
        // Per point: the chain of its answers, with each answer's likelihood given mastered or not
        // (the other points of the item at their forward beliefs), smoothed by forward–backward.
        double[] itemMastered = new double[n];
        Arrays.fill(itemMastered, 1);
        for (int k = 0; k < kps; k++) {
            List<Integer> chain = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                for (int p : history.get(t).kps()) {
                    if (p == k) {
                        chain.add(t);
                        break;
                    }
                }
            }
            if (chain.isEmpty()) {
                continue;
            }
            PointParameters pp = point(k);
            int m = chain.size();
            double[] like1 = new double[m];
            double[] like0 = new double[m];
            for (int j = 0; j < m; j++) {
                Attempt attempt = history.get(chain.get(j));
                ItemParameters ip = item(attempt.item());
                double others = 1;
                for (int p : attempt.kps()) {
                    if (p != k) {
                        others *= before[chain.get(j)][p];
                    }
                }
                double right1 = ip.right(others);
                like1[j] = attempt.correct() ? right1 : 1 - right1;
                like0[j] = attempt.correct() ? ip.guess() : 1 - ip.guess();
            }
            // alpha: P(mastered at j | answers up to j), normalised
            double[] alpha = new double[m];
            double prior = pp.prior();
            for (int j = 0; j < m; j++) {
                double predicted = j == 0 ? prior : alpha[j - 1] * (1 - pp.forget()) + (1 - alpha[j - 1]) * pp.learn();
                double a1 = predicted * like1[j];
                double a0 = (1 - predicted) * like0[j];
                alpha[j] = a1 / (a1 + a0);
            }
            // beta: likelihood of the later answers given the state at j, normalised
            double[] beta1 = new double[m];
            double[] beta0 = new double[m];
            beta1[m - 1] = 1;
            beta0[m - 1] = 1;
            for (int j = m - 2; j >= 0; j--) {
                double next1 = like1[j + 1] * beta1[j + 1];
                double next0 = like0[j + 1] * beta0[j + 1];
                double b1 = (1 - pp.forget()) * next1 + pp.forget() * next0;
                double b0 = pp.learn() * next1 + (1 - pp.learn()) * next0;
                double scale = b1 + b0;
                beta1[j] = b1 / scale;
                beta0[j] = b0 / scale;
            }
            double[] gamma = new double[m];
            for (int j = 0; j < m; j++) {
                double g1 = alpha[j] * beta1[j];
                double g0 = (1 - alpha[j]) * beta0[j];
                gamma[j] = g1 / (g1 + g0);
                itemMastered[chain.get(j)] *= gamma[j];
            }
            counts.firstMastered[k] += gamma[0];
            counts.firsts[k] += 1;
            for (int j = 0; j + 1 < m; j++) {
                // Expected transitions j → j+1 (xi), from alpha at j and the evidence from j+1 on.
                double next1 = like1[j + 1] * beta1[j + 1];
                double next0 = like0[j + 1] * beta0[j + 1];
                double x11 = alpha[j] * (1 - pp.forget()) * next1;
                double x10 = alpha[j] * pp.forget() * next0;
                double x01 = (1 - alpha[j]) * pp.learn() * next1;
                double x00 = (1 - alpha[j]) * (1 - pp.learn()) * next0;
                double total = x11 + x10 + x01 + x00;
                counts.learned[k] += x01 / total;
                counts.couldLearn[k] += (x01 + x00) / total;
                counts.forgot[k] += x10 / total;
                counts.couldForget[k] += (x11 + x10) / total;
            }
        }
        for (int t = 0; t < n; t++) {
            Attempt attempt = history.get(t);
            double all = itemMastered[t];
            if (attempt.correct()) {
                counts.guessRight[attempt.item()] += 1 - all;
            } else {
                counts.slipWrong[attempt.item()] += all;
            }
            counts.notMastered[attempt.item()] += 1 - all;
            counts.mastered[attempt.item()] += all;
        }
    }

    /** The M step, each chance the posterior mean under its Beta prior. */
    private void maximise(Counts counts) {
        for (int i = 0; i < itemParameters.length; i++) {
            double guess = (counts.guessRight[i] + ITEM_PRIOR_WEIGHT * guessPrior(i)) / (counts.notMastered[i] + ITEM_PRIOR_WEIGHT);
            double slip = (counts.slipWrong[i] + ITEM_PRIOR_WEIGHT * DEFAULT_ITEM.slip()) / (counts.mastered[i] + ITEM_PRIOR_WEIGHT);
            itemParameters[i] = new ItemParameters(Math.min(MAX_GUESS, guess), Math.min(MAX_SLIP, slip));
        }
        for (int k = 0; k < pointParameters.length; k++) {
            double prior = (counts.firstMastered[k] + POINT_PRIOR_WEIGHT * DEFAULT_POINT.prior())
                    / (counts.firsts[k] + POINT_PRIOR_WEIGHT);
            double learn = (counts.learned[k] + POINT_PRIOR_WEIGHT * DEFAULT_POINT.learn())
                    / (counts.couldLearn[k] + POINT_PRIOR_WEIGHT);
            double forget = (counts.forgot[k] + POINT_PRIOR_WEIGHT * DEFAULT_POINT.forget())
                    / (counts.couldForget[k] + POINT_PRIOR_WEIGHT);
            pointParameters[k] = new PointParameters(clamp(prior), clamp(learn), Math.min(MAX_FORGET, forget));
        }
    }

    private static double clamp(double p) {
        return Math.max(0.01, Math.min(0.99, p));
    }

    /** The update of a belief by one answer: evidence on each of the item's points, then the chance to learn or forget. */
    void step(double[] belief, Attempt attempt) {
        int[] ks = attempt.kps();
        double[] beliefs = new double[ks.length];
        PointParameters[] points = new PointParameters[ks.length];
        for (int j = 0; j < ks.length; j++) {
            beliefs[j] = belief[ks[j]];
            points[j] = point(ks[j]);
        }
        update(beliefs, item(attempt.item()), points, attempt.correct());
        for (int j = 0; j < ks.length; j++) {
            belief[ks[j]] = beliefs[j];
        }
    }

    /**
     * One answer to an item of these points: {@code beliefs[j]}, the probability that point j is
     * mastered, becomes the probability after the answer and the chance to learn or forget that
     * follows it. Each point's evidence takes the other points' beliefs before the answer.
     */
    static void update(double[] beliefs, ItemParameters item, PointParameters[] points, boolean right) {
        double[] updated = new double[beliefs.length];
        for (int j = 0; j < beliefs.length; j++) {
            double others = 1;
            for (int o = 0; o < beliefs.length; o++) {
                if (o != j) {
                    others *= beliefs[o];
                }
            }
            double right1 = item.right(others);
            double l1 = right ? right1 : 1 - right1;
            double l0 = right ? item.guess() : 1 - item.guess();
            double posterior = beliefs[j] * l1 / (beliefs[j] * l1 + (1 - beliefs[j]) * l0);
            updated[j] = posterior * (1 - points[j].forget()) + (1 - posterior) * points[j].learn();
        }
        System.arraycopy(updated, 0, beliefs, 0, beliefs.length);
    }

    /** An item's guess before fitting, from its type and options. */
    static double guessBefore(ItemFacts item) {
        return guessBefore(item.type(), item.options() == null ? 0 : item.options().size());
    }

    /** Each item's guess before fitting: one over the options of a single choice, little for the rest. */
    static double guessBefore(ItemType type, int options) {
        return type == ItemType.SINGLE_CHOICE && options > 1 ? 1.0 / options : 0.05;
    }

    @Override
    public Tracker track() {
        int kps = pointParameters.length;
        return new Tracker() {
            final double[] belief = initial();

            private double[] initial() {
                double[] b = new double[kps];
                for (int k = 0; k < kps; k++) {
                    b[k] = point(k).prior();
                }
                return b;
            }

            @Override
            public double predict(int item, int[] ks) {
                ItemParameters ip = item(item);
                double all = 1;
                for (int k : ks) {
                    all *= k < belief.length ? belief[k] : DEFAULT_POINT.prior();
                }
                return ip.right(all);
            }

            @Override
            public void observe(Attempt attempt) {
                step(belief, attempt);
            }

            @Override
            public double mastery(int kp) {
                return kp < belief.length ? belief[kp] : DEFAULT_POINT.prior();
            }
        };
    }
}
