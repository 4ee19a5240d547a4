package io.xueban.insight;

/** Which model the service uses for what; chosen by the evaluations in BENCHMARKS.md. */
final class MasteryModels {

    /** Whether a point is mastered: the hidden-state model, against the truth of a simulated term. */
    static final String MASTERY = "hidden-state tracing";

    /** The chance of answering a given item right: the model with the higher mean next-answer AUC. */
    static final String PREDICTION = MASTERY;

    private MasteryModels() {
    }
}
