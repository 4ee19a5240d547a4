package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BayesianKnowledgeTracingTest {

    @Test
    void emRecoversTheParametersThatGeneratedTheAnswers() {
        BayesianKnowledgeTracing.Parameters truth = new BayesianKnowledgeTracing.Parameters(0.25, 0.15, 0, 0.2, 0.1);
        Random random = new Random(11);
        List<boolean[]> sequences = new ArrayList<>();
        for (int s = 0; s < 3000; s++) {
            boolean mastered = random.nextDouble() < truth.prior();
            boolean[] answers = new boolean[12];
            for (int t = 0; t < answers.length; t++) {
                answers[t] = random.nextDouble() < (mastered ? 1 - truth.slip() : truth.guess());
                mastered |= random.nextDouble() < truth.learn();
            }
            sequences.add(answers);
        }

        BayesianKnowledgeTracing.Parameters fit = new BayesianKnowledgeTracing(false).fitOne(sequences);

        assertThat(fit.prior()).isCloseTo(truth.prior(), within(0.04));
        assertThat(fit.learn()).isCloseTo(truth.learn(), within(0.03));
        assertThat(fit.guess()).isCloseTo(truth.guess(), within(0.03));
        assertThat(fit.slip()).isCloseTo(truth.slip(), within(0.03));
        assertThat(fit.forget()).isZero();
    }

    @Test
    void masteryRisesWithRightAnswersAndFallsWithWrongOnes() {
        BayesianKnowledgeTracing.Parameters p = new BayesianKnowledgeTracing.Parameters(0.3, 0.1, 0.0, 0.2, 0.1);
        double afterRight = p.update(0.3, true);
        double afterWrong = p.update(0.3, false);

        // Bayes: 0.3·0.9 / (0.3·0.9 + 0.7·0.2) = 0.6585…, then learning: + (1 − 0.6585)·0.1
        assertThat(afterRight).isCloseTo(0.6585 + (1 - 0.6585) * 0.1, within(1e-3));
        assertThat(afterWrong).isLessThan(0.3);
        assertThat(p.correct(1.0)).isCloseTo(0.9, within(1e-12));
        assertThat(p.correct(0.0)).isCloseTo(0.2, within(1e-12));
    }
}
