package io.xueban.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.xueban.XuebanTest;
import io.xueban.knowledge.Embeddings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedding head and moderation's two looks together: the shipped weights come from the
 * shipped corpus, and on the held-out corpus the two looks find more than the screen alone.
 * After changing the training corpus, write new weights with
 * {@code ./mvnw test -Dtest=ModerationHeadTest -Dxueban.moderation.write-head=true}.
 */
@XuebanTest
class ModerationHeadTest {

    @Autowired
    Embeddings embeddings;

    @Test
    void theShippedWeightsAreTrainedFromTheShippedCorpus() throws IOException {
        String corpus = ModerationClassifier.shippedCorpus();
        List<ModerationClassifier.Example> training = ModerationClassifier.parse(corpus);
        ModerationHead trained = ModerationHead.train(corpus, training, vectors(training));
        if (Boolean.getBoolean("xueban.moderation.write-head")) {
            Files.writeString(Path.of("src/main/resources", ModerationHead.WEIGHTS), trained.write());
            return;
        }
        ModerationHead shipped = ModerationHead.shipped();
        assertThat(shipped.corpusSha256()).as("the corpus changed: write new weights (see this test's Javadoc)")
                .isEqualTo(ModerationHead.sha256(corpus));
        // Embeddings may differ in their last bits between CPUs: the readings, not the bits, must agree,
        // but for a message or two right at a threshold.
        List<String> disagreements = new ArrayList<>();
        for (ModerationClassifier.Example example : ModerationClassifierTest.corpus("safety/moderation-heldout.tsv")) {
            float[] vector = embeddings.sentence(example.text());
            if (shipped.classify(vector) != trained.classify(vector)) {
                disagreements.add(example.text());
            }
        }
        assertThat(disagreements).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void theTwoLooksFindMoreThanTheScreenAloneInWordsTheyWereNotTrainedOn() throws IOException {
        List<ModerationClassifier.Example> training = ModerationClassifierTest.corpus(ModerationClassifier.CORPUS);
        List<float[]> vectors = vectors(training);
        // The screen's bar for "surely harmless", chosen by five-fold cross-validation on the training corpus.
        for (double sure : new double[] {0.8, 0.9, 0.95}) {
            int flagged = 0, found = 0, harmless = 0, harmlessFlagged = 0;
            for (int fold = 0; fold < 5; fold++) {
                List<ModerationClassifier.Example> train = new ArrayList<>();
                List<float[]> trainVectors = new ArrayList<>();
                List<Integer> test = new ArrayList<>();
                for (int i = 0; i < training.size(); i++) {
                    if (i % 5 == fold) {
                        test.add(i);
                    } else {
                        train.add(training.get(i));
                        trainVectors.add(vectors.get(i));
                    }
                }
                Moderation.TwoLooks looks = new Moderation.TwoLooks(ModerationClassifier.train(train),
                        ModerationHead.train("", train, trainVectors), sure);
                for (int i : test) {
                    int index = i;
                    Category c = looks.classify(training.get(i).text(), text -> vectors.get(index));
                    if (training.get(i).category() == null) {
                        harmless++;
                        harmlessFlagged += c == null ? 0 : 1;
                    } else {
                        flagged++;
                        found += c == null ? 0 : 1;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "Moderation, two looks, 5-fold cross-validation, surely harmless at %.2f: "
                    + "found %d/%d = %.2f, harmless flagged %d/%d = %.3f%n", sure, found, flagged, (double) found / flagged,
                    harmlessFlagged, harmless, (double) harmlessFlagged / harmless);
        }

        Moderation.TwoLooks shipped = new Moderation.TwoLooks(ModerationClassifier.shipped(), ModerationHead.shipped(),
                Moderation.TwoLooks.SURELY_HARMLESS);
        ModerationClassifierTest.Figures two = evaluate(shipped, "safety/moderation-heldout.tsv");
        ModerationClassifierTest.Figures screen = ModerationClassifierTest.evaluate(ModerationClassifier.shipped()::classify,
                ModerationClassifierTest.corpus("safety/moderation-heldout.tsv"));
        System.out.println("Moderation, two looks, held-out corpus: " + two + "; asked the head about " + asked + " messages");
        assertThat(two.flaggedRecall()).as(two.toString()).isGreaterThan(screen.flaggedRecall());
        assertThat(two.seriousRecall()).as(two.toString()).isGreaterThanOrEqualTo(0.55);
        assertThat(two.falsePositiveRate()).as(two.toString()).isLessThanOrEqualTo(0.03);
    }

    @Test
    void theTwoLooksLeaveAnOrdinaryLessonAlone() throws IOException {
        Moderation.TwoLooks shipped = new Moderation.TwoLooks(ModerationClassifier.shipped(), ModerationHead.shipped(),
                Moderation.TwoLooks.SURELY_HARMLESS);
        List<String> flagged = new ArrayList<>();
        int askedHead = 0;
        List<String> lines = ModerationClassifierTest.lines("safety/lesson-traffic.txt");
        for (String line : lines) {
            int[] used = {0};
            Category c = shipped.classify(line, text -> {
                used[0]++;
                return embeddings.sentence(text);
            });
            askedHead += used[0];
            if (c != null) {
                flagged.add(line + " → " + c);
            }
        }
        System.out.printf("Moderation, two looks, an ordinary lesson: the head was asked about %d of %d messages%n",
                askedHead, lines.size());
        assertThat(flagged).isEmpty();
    }

    private int asked;

    private ModerationClassifierTest.Figures evaluate(Moderation.TwoLooks looks, String resource) throws IOException {
        return ModerationClassifierTest.evaluate(example -> looks.classify(example, text -> {
            asked++;
            return embeddings.sentence(text);
        }), ModerationClassifierTest.corpus(resource));
    }

    private List<float[]> vectors(List<ModerationClassifier.Example> examples) {
        return embeddings.sentences(examples.stream().map(ModerationClassifier.Example::text).toList());
    }
}
