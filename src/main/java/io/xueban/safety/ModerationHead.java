package io.xueban.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Moderation's second look: softmax regression over a message's sentence embedding
 * (bge-small-zh, 512 dimensions), trained from the same corpus as {@link ModerationClassifier}.
 * Embeddings carry meaning across wordings the n-gram screen has never seen ("不想再醒过来"), but
 * cost about 10 ms of CPU a message, so moderation asks the head only about messages the screen
 * is not sure are harmless.
 *
 * <p>Its weights ship as {@link #WEIGHTS} (training needs the corpus embedded, some seconds of
 * CPU that no start should spend); the first line names the SHA-256 of the corpus they were
 * trained from, and {@code ModerationHeadTest} fails when the corpus has changed since.
 */
final class ModerationHead {

    static final String WEIGHTS = "safety/moderation-head.txt";
    /**
     * A category is found when it is the most likely reading with at least this probability:
     * lower for self-harm and violence, where a miss costs most, than for the rest, where a
     * request such as "能帮我看看我的过程吗" must not read as sexual content.
     */
    static final double THRESHOLD_SERIOUS = 0.5;
    static final double THRESHOLD = 0.6;

    private static final int EPOCHS = 60;
    private static final double LEARNING_RATE = 0.5;
    private static final double L2 = 1e-4;
    /** Unit vectors have small components: inputs are scaled so that the weights stay moderate. */
    private static final double SCALE = 4;

    private final String corpusSha256;
    private final double[][] weights;
    private final double[] bias;

    private ModerationHead(String corpusSha256, double[][] weights, double[] bias) {
        this.corpusSha256 = corpusSha256;
        this.weights = weights;
        this.bias = bias;
    }

    /** @param vectors the examples' unit-length embeddings, in order */
    static ModerationHead train(String corpus, List<ModerationClassifier.Example> examples, List<float[]> vectors) {
        double[][] weights = new double[Softmax.CLASSES][vectors.getFirst().length];
        double[] bias = new double[Softmax.CLASSES];
        int[] truth = examples.stream().mapToInt(e -> Softmax.classOf(e.category())).toArray();
        Softmax.train(vectors.stream().map(Vector::new).toList(), truth, weights, bias, EPOCHS, LEARNING_RATE, L2);
        return new ModerationHead(sha256(corpus), weights, bias);
    }

    /** An embedding as the head's input; unit vectors have small components, so they are scaled. */
    private record Vector(float[] x) implements Softmax.Input {

        @Override
        public double addTo(double score, double[] weights) {
            for (int d = 0; d < x.length; d++) {
                score += weights[d] * x[d] * SCALE;
            }
            return score;
        }

        @Override
        public void step(double[] weights, double rate, double gradient, double l2) {
            for (int d = 0; d < x.length; d++) {
                weights[d] -= rate * (gradient * x[d] * SCALE + l2 * weights[d]);
            }
        }
    }

    /** The weights shipped with the application. */
    static ModerationHead shipped() {
        try (InputStream in = ModerationHead.class.getClassLoader().getResourceAsStream(WEIGHTS)) {
            if (in == null) {
                throw new IllegalStateException("moderation head missing from the class path: " + WEIGHTS);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** First line {@code corpus <sha256>}, then one line per class: its bias, then its weights. */
    String write() {
        StringBuilder out = new StringBuilder("corpus ").append(corpusSha256).append('\n');
        for (int c = 0; c < bias.length; c++) {
            out.append(String.format(Locale.ROOT, "%.6f", bias[c]));
            for (double w : weights[c]) {
                out.append(' ').append(String.format(Locale.ROOT, "%.6f", w));
            }
            out.append('\n');
        }
        return out.toString();
    }

    static ModerationHead parse(String text) {
        String[] lines = text.strip().split("\n");
        String sha = lines[0].substring("corpus ".length()).strip();
        double[][] weights = new double[lines.length - 1][];
        double[] bias = new double[lines.length - 1];
        for (int c = 1; c < lines.length; c++) {
            String[] numbers = lines[c].strip().split(" ");
            bias[c - 1] = Double.parseDouble(numbers[0]);
            weights[c - 1] = new double[numbers.length - 1];
            for (int d = 1; d < numbers.length; d++) {
                weights[c - 1][d - 1] = Double.parseDouble(numbers[d]);
            }
        }
        if (bias.length != Softmax.CLASSES) {
            throw new IllegalStateException(WEIGHTS + " holds " + bias.length + " classes");
        }
        return new ModerationHead(sha, weights, bias);
    }

    String corpusSha256() {
        return corpusSha256;
    }

    ModerationClassifier.Prediction predict(float[] vector) {
        return Softmax.predict(weights, bias, new Vector(vector));
    }

    /** The category found in the embedded text, or null. */
    Category classify(float[] vector) {
        ModerationClassifier.Prediction prediction = predict(vector);
        if (prediction.category() == null) {
            return null;
        }
        double threshold = prediction.category().severity() == Category.Severity.HIGH ? THRESHOLD_SERIOUS : THRESHOLD;
        return prediction.probability() >= threshold ? prediction.category() : null;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
