package io.xueban.insight;

/** How an answer reached us. SIMULATED marks the demo school's generated history. */
public enum ResponseSource {
    TYPED, IMPORTED, PHOTO, SIMULATED
}
