package io.xueban.insight;

/** Dense linear algebra for the small matrices of item calibration. */
final class Matrices {

    private Matrices() {
    }

    /** The inverse of a square matrix by Gauss–Jordan elimination with partial pivoting. */
    static double[][] inverse(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(matrix[i], 0, a[i], 0, n);
            a[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-300) {
                throw new ArithmeticException("singular matrix");
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            double scale = a[col][col];
            for (int j = 0; j < 2 * n; j++) {
                a[col][j] /= scale;
            }
            for (int row = 0; row < n; row++) {
                if (row != col && a[row][col] != 0) {
                    double factor = a[row][col];
                    for (int j = 0; j < 2 * n; j++) {
                        a[row][j] -= factor * a[col][j];
                    }
                }
            }
        }
        double[][] inverse = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, inverse[i], 0, n);
        }
        return inverse;
    }

    /**
     * The Moore–Penrose inverse of a symmetric positive semi-definite matrix whose null space is
     * spanned by the all-ones vector u: (M + uuᵀ/n)⁻¹ − uuᵀ/n. This is the covariance of
     * estimates normalised to sum zero.
     */
    static double[][] pseudoInverseWithOnesNullSpace(double[][] matrix) {
        int n = matrix.length;
        if (n == 0) {
            return new double[0][0];
        }
        double[][] shifted = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                shifted[i][j] = matrix[i][j] + 1.0 / n;
            }
        }
        double[][] inverse = inverse(shifted);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                inverse[i][j] -= 1.0 / n;
            }
        }
        return inverse;
    }
}
