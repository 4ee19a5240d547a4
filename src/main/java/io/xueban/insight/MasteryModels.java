package io.xueban.insight;

/** Which mastery model the service uses; chosen by the evaluation in BENCHMARKS.md. */
final class MasteryModels {

    /** The model with the higher mean AUC over both evaluation data sets. */
    static final String DEFAULT = "PFA";

    private MasteryModels() {
    }
}
