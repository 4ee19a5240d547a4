package io.xueban.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A term of homework drawn from the two-parameter logistic model, P(correct) =
 * 1 / (1 + exp(-a(θ - b))), with fixed per-student abilities θ and per-item (a, b). Seeded, so
 * the same seed gives the same history, and the true parameters are known to whoever checks
 * what calibration and mastery models recover.
 */
final class ResponseSimulation {

    /** Share of the items each student answers in the first pass, and again in the review pass. */
    static final double FIRST_PASS = 0.85;
    static final double REVIEW_PASS = 0.45;

    private final Random random;

    ResponseSimulation(long seed) {
        this.random = new Random(seed);
    }

    double ability(double classMean) {
        return classMean + random.nextGaussian();
    }

    /**
     * Answers for one student to items given in teaching order, spread over {@code weeks} from
     * {@code termStart}; each item's place in the order decides its week.
     */
    List<Answer> answers(double theta, List<SimItem> items, Instant termStart, int weeks) {
        List<Answer> answers = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            double share = pass == 0 ? FIRST_PASS : REVIEW_PASS;
            for (int i = 0; i < items.size(); i++) {
                if (random.nextDouble() >= share) {
                    continue;
                }
                SimItem item = items.get(i);
                boolean correct = random.nextDouble() < probability(theta, item.discrimination(), item.difficulty());
                int week = pass == 0 ? i * weeks / items.size() : weeks + random.nextInt(2);
                Instant at = termStart.plus(Duration.ofDays(7L * week + random.nextInt(5)))
                        .plus(Duration.ofMinutes(random.nextInt(10 * 60)));
                answers.add(new Answer(item, correct, timeTaken(item, correct), at));
            }
        }
        return answers;
    }

    int wrongOption(int optionCount, int rightIndex) {
        int pick = random.nextInt(optionCount - 1);
        return pick >= rightIndex ? pick + 1 : pick;
    }

    static double probability(double theta, double a, double b) {
        return 1 / (1 + Math.exp(-a * (theta - b)));
    }

    /** Log-normal around a typical time for the item type; wrong answers take a little longer. */
    private long timeTaken(SimItem item, boolean correct) {
        double typicalSeconds = item.typicalSeconds() * (correct ? 1.0 : 1.3);
        return Math.round(1000 * typicalSeconds * Math.exp(0.4 * random.nextGaussian()));
    }

    record SimItem(long id, double difficulty, double discrimination, double typicalSeconds) {
    }

    record Answer(SimItem item, boolean correct, long timeTakenMs, Instant at) {
    }
}
