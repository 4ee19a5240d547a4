package io.xueban.safety;

/** The two steps both moderation classifiers share: scores to probabilities, and the most likely class. */
final class Softmax {

    private Softmax() {
    }

    /** Scores become probabilities in place (shifted by the largest score, so nothing overflows). */
    static void normalize(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double score : scores) {
            max = Math.max(max, score);
        }
        double sum = 0;
        for (int c = 0; c < scores.length; c++) {
            scores[c] = Math.exp(scores[c] - max);
            sum += scores[c];
        }
        for (int c = 0; c < scores.length; c++) {
            scores[c] /= sum;
        }
    }

    /** Class 0 is harmless, class i + 1 {@code Category.values()[i]}. */
    static ModerationClassifier.Prediction best(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new ModerationClassifier.Prediction(best == 0 ? null : Category.values()[best - 1], p[best]);
    }
}
