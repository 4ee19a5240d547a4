package io.xueban.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small text classifier that runs in process in microseconds, so moderating a message costs
 * no model call: softmax regression over the character 1–3-grams of the folded text (width,
 * case, spaces and punctuation folded as for the phrase lists), trained at start-up from a
 * labelled corpus ({@code safety/moderation-training.tsv}, each line {@code LABEL<TAB>text},
 * LABEL a {@link Category} or {@code NONE}). Training is deterministic: the same corpus gives
 * the same weights. How well it generalises is measured on a held-out corpus written apart from
 * the training one (BENCHMARKS.md, "Moderation").
 */
final class ModerationClassifier {

    static final String CORPUS = "safety/moderation-training.tsv";
    /**
     * A category is found only when it is the most likely reading and has at least this
     * probability. Chosen by five-fold cross-validation on the training corpus, never on the
     * held-out one: at 0.3 it finds 0.79 of flagged lines for 0.9% of harmless ones flagged;
     * higher thresholds found fewer for hardly fewer harmless flagged (BENCHMARKS.md, "Moderation").
     */
    static final double THRESHOLD = 0.3;

    private static final int EPOCHS = 40;
    private static final double LEARNING_RATE = 0.5;
    private static final double L2 = 1e-5;
    private static final int LONGEST_GRAM = 3;

    /** A labelled example: the category, or null for harmless text. */
    record Example(Category category, String text) {
    }

    /** The most likely category and its probability; category null when harmless is the most likely. */
    record Prediction(Category category, double probability) {
    }

    private final Map<String, Integer> vocabulary;
    /** weights[class][feature], class 0 harmless, class i + 1 {@code Category.values()[i]}. */
    private final double[][] weights;
    private final double[] bias;

    private ModerationClassifier(Map<String, Integer> vocabulary, double[][] weights, double[] bias) {
        this.vocabulary = vocabulary;
        this.weights = weights;
        this.bias = bias;
    }

    /** Trained on the corpus shipped with the application. */
    static ModerationClassifier shipped() {
        return train(parse(shippedCorpus()));
    }

    static String shippedCorpus() {
        try (InputStream in = ModerationClassifier.class.getClassLoader().getResourceAsStream(CORPUS)) {
            if (in == null) {
                throw new IllegalStateException("moderation corpus missing from the class path: " + CORPUS);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines {@code LABEL<TAB>text}; blank lines and lines starting with # are skipped. */
    static List<Example> parse(String corpus) {
        List<Example> examples = new ArrayList<>();
        int number = 0;
        for (String line : corpus.split("\n")) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("moderation corpus line " + number + " has no tab");
            }
            String label = line.substring(0, tab).strip();
            examples.add(new Example(label.equals("NONE") ? null : Category.valueOf(label), line.substring(tab + 1).strip()));
        }
        return examples;
    }

    static ModerationClassifier train(List<Example> examples) {
        Map<String, Integer> vocabulary = new HashMap<>();
        List<Grams> inputs = new ArrayList<>();
        int[] truth = new int[examples.size()];
        for (int e = 0; e < examples.size(); e++) {
            List<String> grams = grams(examples.get(e).text());
            int[] ids = new int[grams.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = vocabulary.computeIfAbsent(grams.get(i), g -> vocabulary.size());
            }
            inputs.add(new Grams(ids, ids.length == 0 ? 0 : 1 / Math.sqrt(ids.length)));
            truth[e] = Softmax.classOf(examples.get(e).category());
        }
        double[][] weights = new double[Softmax.CLASSES][vocabulary.size()];
        double[] bias = new double[Softmax.CLASSES];
        Softmax.train(inputs, truth, weights, bias, EPOCHS, LEARNING_RATE, L2);
        return new ModerationClassifier(Map.copyOf(vocabulary), weights, bias);
    }

    /**
     * The text's known n-grams, each weighted by one over the square root of the text's n-gram
     * count, so that a long message does not outvote a short one.
     */
    private record Grams(int[] ids, double scale) implements Softmax.Input {

        @Override
        public double addTo(double score, double[] weights) {
            for (int id : ids) {
                score += weights[id] * scale;
            }
            return score;
        }

        @Override
        public void step(double[] weights, double rate, double gradient, double l2) {
            for (int id : ids) {
                weights[id] -= rate * (gradient * scale + l2 * weights[id]);
            }
        }

        @Override
        public boolean isEmpty() {
            return ids.length == 0;
        }
    }

    /** The most likely reading of the text. */
    Prediction predict(String text) {
        List<String> grams = grams(text);
        int[] ids = grams.stream().map(vocabulary::get).filter(id -> id != null).mapToInt(Integer::intValue).toArray();
        return Softmax.predict(weights, bias, new Grams(ids, ids.length == 0 ? 0 : 1 / Math.sqrt(grams.size())));
    }

    /** The category found in the text, or null: the most likely one, when likely enough. */
    Category classify(String text) {
        Prediction prediction = predict(text);
        return prediction.category() != null && prediction.probability() >= THRESHOLD ? prediction.category() : null;
    }

    /** The character 1–3-grams of the folded text, by code point. */
    static List<String> grams(String text) {
        int[] points = Moderation.fold(text).codePoints().toArray();
        List<String> grams = new ArrayList<>(points.length * LONGEST_GRAM);
        for (int start = 0; start < points.length; start++) {
            for (int length = 1; length <= LONGEST_GRAM && start + length <= points.length; length++) {
                grams.add(new String(points, start, length));
            }
        }
        return grams;
    }
}
