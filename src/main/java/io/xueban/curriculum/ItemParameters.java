package io.xueban.curriculum;

/** Calibrated IRT parameters of an item: difficulty b and discrimination a. */
public record ItemParameters(double difficulty, double discrimination) {
}
