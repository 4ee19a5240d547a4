package io.xueban.insight;

/**
 * One item's calibrated parameters in the IRT parameterisation P = 1 / (1 + exp(−a(θ − b))).
 *
 * @param status ESTIMATED, or why not: ALL_CORRECT, ALL_WRONG, NOT_ANSWERED (no finite estimate exists)
 * @param se standard error of the difficulty
 * @param discriminationSe standard error of the discrimination (2PL only; null for Rasch)
 */
record ItemEstimate(String id, Double difficulty, Double discrimination, Double se, Double discriminationSe,
        int answered, int correct, Status status) {

    enum Status { ESTIMATED, ALL_CORRECT, ALL_WRONG, NOT_ANSWERED }

    /** √variance, or null when the variance is not a usable number. */
    static Double standardError(double variance) {
        return Double.isFinite(variance) && variance >= 0 ? Math.sqrt(variance) : null;
    }

    /** Whether an item has a finite estimate: answered, neither always right nor always wrong. */
    static boolean estimable(int answered, int correct) {
        return answered > 0 && correct > 0 && correct < answered;
    }

    static ItemEstimate unestimable(String id, int answered, int correct) {
        Status status = answered == 0 ? Status.NOT_ANSWERED
                : correct == answered ? Status.ALL_CORRECT
                : Status.ALL_WRONG;
        return new ItemEstimate(id, null, null, null, null, answered, correct, status);
    }
}
