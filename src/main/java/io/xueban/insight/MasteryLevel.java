package io.xueban.insight;

/** How far a student is with a knowledge point, as shown to people (未学 / 学习中 / 基本掌握 / 熟练). */
public enum MasteryLevel {
    NOT_STARTED,
    LEARNING,
    PARTIAL,
    MASTERED
}
