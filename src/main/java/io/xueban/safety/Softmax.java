package io.xueban.safety;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Softmax regression as both moderation classifiers use it: class 0 is harmless, class i + 1
 * {@code Category.values()[i]}; trained by stochastic gradient descent in a fixed order (the
 * same examples give the same weights), with L2 on the weights an example touches.
 */
final class Softmax {

    static final int CLASSES = Category.values().length + 1;

    /** One input as the model sees it: sparse n-gram counts or a dense embedding. */
    interface Input {

        /** {@code score} plus the input's dot product with one class's weights. */
        double addTo(double score, double[] weights);

        /** One gradient step on one class's weights. */
        void step(double[] weights, double rate, double gradient, double l2);

        /** An input with no features teaches nothing and is skipped. */
        default boolean isEmpty() {
            return false;
        }
    }

    private Softmax() {
    }

    /** The class of a labelled example. */
    static int classOf(Category category) {
        return category == null ? 0 : category.ordinal() + 1;
    }

    static void train(List<? extends Input> inputs, int[] truth, double[][] weights, double[] bias, int epochs,
            double learningRate, double l2) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            order.add(i);
        }
        Random random = new Random(20261203L);
        double[] p = new double[bias.length];
        for (int epoch = 0; epoch < epochs; epoch++) {
            Collections.shuffle(order, random);
            double rate = learningRate / (1 + epoch * 0.1);
            for (int index : order) {
                Input x = inputs.get(index);
                if (x.isEmpty()) {
                    continue;
                }
                probabilities(weights, bias, x, p);
                for (int c = 0; c < bias.length; c++) {
                    double gradient = p[c] - (c == truth[index] ? 1 : 0);
                    bias[c] -= rate * gradient;
                    x.step(weights[c], rate, gradient, l2);
                }
            }
        }
    }

    /** The most likely class of the input and its probability. */
    static ModerationClassifier.Prediction predict(double[][] weights, double[] bias, Input x) {
        double[] p = new double[bias.length];
        probabilities(weights, bias, x, p);
        return best(p);
    }

    private static void probabilities(double[][] weights, double[] bias, Input x, double[] p) {
        for (int c = 0; c < p.length; c++) {
            p[c] = x.addTo(bias[c], weights[c]);
        }
        normalize(p);
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

    private static ModerationClassifier.Prediction best(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return new ModerationClassifier.Prediction(best == 0 ? null : Category.values()[best - 1], p[best]);
    }
}
