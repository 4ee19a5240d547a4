package io.xueban.path;

/**
 * The FSRS-6 memory model with its published default weights: how likely a student still recalls
 * a knowledge point t days after the last review, given its stability S (days) and difficulty D
 * (1–10), how S and D change with each review, and when the next review is due for a desired
 * retention.
 *
 * <pre>R(t, S) = (1 + F·t/S)^(−w20),  F = 0.9^(−1/w20) − 1</pre>
 */
final class Fsrs {

    /** FSRS-6 default weights w0 … w20. */
    static final double[] DEFAULT_WEIGHTS = {0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722,
            0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542};

    /** Review grades: 1 again (forgotten), 2 hard, 3 good, 4 easy. */
    enum Grade {
        AGAIN(1), HARD(2), GOOD(3), EASY(4);

        final int value;

        Grade(int value) {
            this.value = value;
        }
    }

    /** What the model knows about one knowledge point for one student. */
    record Memory(double stability, double difficulty) {
    }

    private static final double MIN_STABILITY = 0.001;

    private final double[] w;
    private final double decay;
    private final double factor;

    Fsrs(double[] weights) {
        if (weights.length != 21) {
            throw new IllegalArgumentException("FSRS-6 has 21 weights");
        }
        this.w = weights.clone();
        this.decay = w[20];
        this.factor = Math.pow(0.9, -1 / decay) - 1;
    }

    static Fsrs withDefaults() {
        return new Fsrs(DEFAULT_WEIGHTS);
    }

    /** Probability of recall t days after the last review. */
    double retrievability(double days, double stability) {
        return Math.pow(1 + factor * days / stability, -decay);
    }

    /** Days after the last review at which recall falls to the desired retention. */
    double interval(double stability, double desiredRetention) {
        return stability / factor * (Math.pow(desiredRetention, -1 / decay) - 1);
    }

    /** The memory after the first review with this grade. */
    Memory first(Grade grade) {
        return new Memory(Math.max(MIN_STABILITY, w[grade.value - 1]), clampDifficulty(initialDifficulty(grade)));
    }

    private double initialDifficulty(Grade grade) {
        return w[4] - Math.exp(w[5] * (grade.value - 1)) + 1;
    }

    /** The memory after a review {@code days} after the previous one. */
    Memory review(Memory memory, double days, Grade grade) {
        double s = memory.stability();
        double d = memory.difficulty();
        double stability;
        if (days < 1) {
            // Same-day review (FSRS-6): S' = S · e^(w17·(G − 3 + w18)) · S^(−w19)
            double increase = Math.exp(w[17] * (grade.value - 3 + w[18])) * Math.pow(s, -w[19]);
            stability = s * (grade.value >= 3 ? Math.max(increase, 1) : increase);
        } else {
            double r = retrievability(days, s);
            if (grade == Grade.AGAIN) {
                double forgotten = w[11] * Math.pow(d, -w[12]) * (Math.pow(s + 1, w[13]) - 1) * Math.exp(w[14] * (1 - r));
                stability = Math.min(forgotten, s);
            } else {
                double hard = grade == Grade.HARD ? w[15] : 1;
                double easy = grade == Grade.EASY ? w[16] : 1;
                stability = s * (Math.exp(w[8]) * (11 - d) * Math.pow(s, -w[9]) * (Math.exp(w[10] * (1 - r)) - 1)
                        * hard * easy + 1);
            }
        }
        return new Memory(Math.max(MIN_STABILITY, stability), nextDifficulty(d, grade));
    }

    /** Linear damping towards 10, then mean reversion towards the initial difficulty of "easy". */
    private double nextDifficulty(double d, Grade grade) {
        double delta = -w[6] * (grade.value - 3);
        double damped = d + delta * (10 - d) / 9;
        return clampDifficulty(w[7] * initialDifficulty(Grade.EASY) + (1 - w[7]) * damped);
    }

    private static double clampDifficulty(double d) {
        return Math.max(1, Math.min(10, d));
    }
}
