package io.xueban.insight;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xueban.insight.mastery.*}: a knowledge point is mastered (熟练) when the probability that
 * the student has mastered it (the hidden-state model's) is at least {@code mastered} after at
 * least {@code min-attempts} answers; at least {@code partial} is 基本掌握.
 */
@ConfigurationProperties("xueban.insight.mastery")
record MasterySettings(
        @DefaultValue("0.95") double mastered,
        @DefaultValue("0.8") double partial,
        @DefaultValue("3") int minAttempts) {

    MasteryLevel level(double probability, int attempts) {
        if (attempts == 0) {
            return MasteryLevel.NOT_STARTED;
        }
        if (probability >= mastered && attempts >= minAttempts) {
            return MasteryLevel.MASTERED;
        }
        return probability >= partial ? MasteryLevel.PARTIAL : MasteryLevel.LEARNING;
    }
}
