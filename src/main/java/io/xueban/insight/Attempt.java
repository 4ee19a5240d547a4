package io.xueban.insight;

/**
 * One scored answer in a student's history, as the mastery models see it.
 *
 * @param item index of the item (dense, 0-based)
 * @param kps indices of the knowledge points the item tests (dense, 0-based)
 */
record Attempt(int item, int[] kps, boolean correct) {
}
