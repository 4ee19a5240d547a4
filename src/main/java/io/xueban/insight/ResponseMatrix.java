package io.xueban.insight;

import java.util.List;

/**
 * Scored answers, persons × items: 1 right, 0 wrong, -1 not answered. The input of item
 * calibration.
 */
record ResponseMatrix(List<String> itemIds, byte[][] scores) {

    static final byte MISSING = -1;

    ResponseMatrix {
        itemIds = List.copyOf(itemIds);
        for (byte[] row : scores) {
            if (row.length != itemIds.size()) {
                throw new IllegalArgumentException("every person needs one entry per item");
            }
        }
    }

    int persons() {
        return scores.length;
    }

    int items() {
        return itemIds.size();
    }

    /** How many persons answered the item, and how many of them got it right. */
    int[] answeredAndRight(int item) {
        int answered = 0;
        int right = 0;
        for (byte[] row : scores) {
            if (row[item] != MISSING) {
                answered++;
                right += row[item];
            }
        }
        return new int[] {answered, right};
    }
}
