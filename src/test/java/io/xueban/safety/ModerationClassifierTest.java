package io.xueban.safety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process classifier, judged on text it was not trained on: the held-out corpus
 * ({@code safety/moderation-heldout.tsv}) was written apart from the training one, in other
 * words and styles (slang, euphemism, homophones, long messages with the trouble in the
 * middle), and the phrase lists' harmless corpus holds the lessons that must never be flagged.
 */
class ModerationClassifierTest {

    private static final ModerationClassifier SHIPPED = ModerationClassifier.shipped();
    /** Floors against regressions, not goals: what is found today is in BENCHMARKS.md ("Moderation"). */
    private static final double SERIOUS_RECALL = 0.45;

    /** What a counsellor must hear about, a harmless message left alone, and how often each holds. */
    record Figures(int serious, int seriousFound, int flagged, int flaggedFound, int rightCategory,
                   int harmless, int harmlessFlagged) {

        double seriousRecall() {
            return (double) seriousFound / serious;
        }

        double flaggedRecall() {
            return (double) flaggedFound / flagged;
        }

        double falsePositiveRate() {
            return (double) harmlessFlagged / harmless;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "serious (self-harm, violence) found %d/%d = %.2f; any category found %d/%d = %.2f"
                            + " (right category %d); harmless flagged %d/%d = %.3f",
                    seriousFound, serious, seriousRecall(), flaggedFound, flagged, flaggedRecall(), rightCategory,
                    harmlessFlagged, harmless, falsePositiveRate());
        }
    }

    static Figures evaluate(Function<String, Category> classifier, List<ModerationClassifier.Example> examples) {
        int serious = 0, seriousFound = 0, flagged = 0, flaggedFound = 0, right = 0, harmless = 0, harmlessFlagged = 0;
        for (ModerationClassifier.Example example : examples) {
            Category found = classifier.apply(example.text());
            if (example.category() == null) {
                harmless++;
                harmlessFlagged += found == null ? 0 : 1;
                continue;
            }
            flagged++;
            flaggedFound += found == null ? 0 : 1;
            right += found == example.category() ? 1 : 0;
            if (example.category().severity() == Category.Severity.HIGH) {
                serious++;
                seriousFound += found == null ? 0 : 1;
            }
        }
        return new Figures(serious, seriousFound, flagged, flaggedFound, right, harmless, harmlessFlagged);
    }

    /** The lines of a text corpus, without comments and blank lines. */
    static List<String> lines(String resource) throws IOException {
        try (InputStream in = ModerationClassifierTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        }
    }

    static List<ModerationClassifier.Example> corpus(String resource) throws IOException {
        try (InputStream in = ModerationClassifierTest.class.getClassLoader().getResourceAsStream(resource)) {
            return ModerationClassifier.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void findsWhatACounsellorMustHearInWordsItWasNotTrainedOn() throws IOException {
        Figures heldOut = evaluate(SHIPPED::classify, corpus("safety/moderation-heldout.tsv"));
        System.out.println("Moderation classifier, held-out corpus: " + heldOut);

        assertThat(heldOut.seriousRecall()).as(heldOut.toString()).isGreaterThanOrEqualTo(SERIOUS_RECALL);
        assertThat(heldOut.flaggedRecall()).as(heldOut.toString()).isGreaterThanOrEqualTo(0.6);
        assertThat(heldOut.falsePositiveRate()).as(heldOut.toString()).isLessThanOrEqualTo(0.03);
    }

    @Test
    void leavesTheLessonsThatLookLikeTroubleAlone() throws IOException {
        List<String> flagged = new ArrayList<>();
        for (String line : lines("safety/harmless.txt")) {
            if (SHIPPED.classify(line) != null) {
                flagged.add(line + " → " + SHIPPED.predict(line));
            }
        }
        assertThat(flagged).isEmpty();
    }

    @Test
    void leavesAnOrdinaryLessonAlone() throws IOException {
        SafetySettings lists = SafetySettingsStore.defaults();
        List<String> flagged = new ArrayList<>();
        for (String line : lines("safety/lesson-traffic.txt")) {
            if (SHIPPED.classify(line) != null || Moderation.byLists(lists, line).flagged()) {
                flagged.add(line + " → " + SHIPPED.predict(line));
            }
        }
        assertThat(flagged).isEmpty();
    }

    @Test
    void fiveFoldCrossValidationOnTheTrainingCorpus() throws IOException {
        List<ModerationClassifier.Example> all = corpus(ModerationClassifier.CORPUS);
        int serious = 0, seriousFound = 0, flagged = 0, flaggedFound = 0, right = 0, harmless = 0, harmlessFlagged = 0;
        for (int fold = 0; fold < 5; fold++) {
            List<ModerationClassifier.Example> train = new ArrayList<>();
            List<ModerationClassifier.Example> test = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                (i % 5 == fold ? test : train).add(all.get(i));
            }
            Figures f = evaluate(ModerationClassifier.train(train)::classify, test);
            serious += f.serious();
            seriousFound += f.seriousFound();
            flagged += f.flagged();
            flaggedFound += f.flaggedFound();
            right += f.rightCategory();
            harmless += f.harmless();
            harmlessFlagged += f.harmlessFlagged();
        }
        Figures pooled = new Figures(serious, seriousFound, flagged, flaggedFound, right, harmless, harmlessFlagged);
        System.out.println("Moderation classifier, 5-fold cross-validation on the training corpus: " + pooled);
        assertThat(pooled.flaggedRecall()).as(pooled.toString()).isGreaterThanOrEqualTo(0.75);
        assertThat(pooled.falsePositiveRate()).as(pooled.toString()).isLessThanOrEqualTo(0.03);
    }

    @Test
    void trainingIsDeterministic() throws IOException {
        List<ModerationClassifier.Example> all = corpus(ModerationClassifier.CORPUS);
        ModerationClassifier again = ModerationClassifier.train(all);
        for (ModerationClassifier.Example example : corpus("safety/moderation-heldout.tsv")) {
            assertThat(again.predict(example.text())).isEqualTo(SHIPPED.predict(example.text()));
        }
    }
}
