package io.xueban.lessonplan;

import java.util.ArrayList;
import java.util.List;

/** A line diff by longest common subsequence: what a teacher changed between two versions of a section. */
final class LineDiff {

    enum Op { SAME, ADDED, REMOVED }

    record Line(Op op, String text) {
    }

    private LineDiff() {
    }

    static List<Line> of(String before, String after) {
        String[] a = before.isEmpty() ? new String[0] : before.split("\n", -1);
        String[] b = after.isEmpty() ? new String[0] : after.split("\n", -1);
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Line> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i].equals(b[j])) {
                lines.add(new Line(Op.SAME, a[i++]));
                j++;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                lines.add(new Line(Op.REMOVED, a[i++]));
            } else {
                lines.add(new Line(Op.ADDED, b[j++]));
            }
        }
        while (i < a.length) {
            lines.add(new Line(Op.REMOVED, a[i++]));
        }
        while (j < b.length) {
            lines.add(new Line(Op.ADDED, b[j++]));
        }
        return lines;
    }
}
