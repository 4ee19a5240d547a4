package io.xueban.insight;

import java.util.List;

/**
 * The result of calibrating items: their estimates, and how the estimation went.
 *
 * @param persons persons in the data (Rasch CML uses only those with a score strictly between
 *     zero and their number of answered items; {@code personsUsed} says how many)
 * @param logLikelihood conditional log-likelihood (Rasch) or marginal log-likelihood (2PL)
 */
record Calibration(String model, int persons, int personsUsed, List<ItemEstimate> items, double logLikelihood,
        int iterations, boolean converged) {
}
