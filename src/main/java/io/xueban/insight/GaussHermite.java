package io.xueban.insight;

/**
 * Gauss–Hermite quadrature for the standard normal: nodes θ_q and weights w_q with
 * Σ w_q f(θ_q) ≈ E[f(θ)] for θ ~ N(0, 1). Nodes by Newton's method on the Hermite polynomials,
 * started from the usual asymptotic guesses.
 */
record GaussHermite(double[] nodes, double[] weights) {

    static GaussHermite standardNormal(int points) {
        double[] x = new double[points];
        double[] w = new double[points];
        int half = (points + 1) / 2;
        double z = 0;
        for (int i = 0; i < half; i++) {
            if (i == 0) {
                z = Math.sqrt(2.0 * points + 1) - 1.85575 * Math.pow(2.0 * points + 1, -0.16667);
            } else if (i == 1) {
                z -= 1.14 * Math.pow(points, 0.426) / z;
            } else if (i == 2) {
                z = 1.86 * z - 0.86 * x[0];
            } else if (i == 3) {
                z = 1.91 * z - 0.91 * x[1];
            } else {
                z = 2.0 * z - x[i - 2];
            }
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double p1 = Math.pow(Math.PI, -0.25);
                double p2 = 0;
                for (int j = 1; j <= points; j++) {
                    double p3 = p2;
                    p2 = p1;
                    p1 = z * Math.sqrt(2.0 / j) * p2 - Math.sqrt((j - 1.0) / j) * p3;
                }
                derivative = Math.sqrt(2.0 * points) * p2;
                double previous = z;
                z = previous - p1 / derivative;
                if (Math.abs(z - previous) < 1e-14) {
                    break;
                }
            }
            x[i] = z;
            x[points - 1 - i] = -z;
            w[i] = 2.0 / (derivative * derivative);
            w[points - 1 - i] = w[i];
        }
        // From weight exp(-x²) to the standard normal density: θ = √2·x, weight / √π.
        double[] nodes = new double[points];
        double[] weights = new double[points];
        for (int i = 0; i < points; i++) {
            nodes[i] = Math.sqrt(2) * x[points - 1 - i];
            weights[i] = w[points - 1 - i] / Math.sqrt(Math.PI);
        }
        return new GaussHermite(nodes, weights);
    }
}
