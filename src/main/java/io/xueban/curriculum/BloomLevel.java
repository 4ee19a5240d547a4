package io.xueban.curriculum;

/** Revised Bloom taxonomy levels, lowest first. */
public enum BloomLevel {
    REMEMBER, UNDERSTAND, APPLY, ANALYZE, EVALUATE, CREATE
}
