package io.xueban.path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xueban.path.*}: the band of predicted success that practice items should fall in, the
 * recall below which a mastered point is due for review (FSRS-6 desired retention), how many
 * steps a path shows, and after how many wrong answers in a row the planner steps back.
 */
@ConfigurationProperties("xueban.path")
record PathSettings(
        @DefaultValue("0.6") double bandLow,
        @DefaultValue("0.85") double bandHigh,
        @DefaultValue("0.9") double desiredRetention,
        @DefaultValue("6") int maxSteps,
        @DefaultValue("3") int itemsPerStep,
        @DefaultValue("3") int struggleFailures) {

    Planner.Settings planner() {
        return new Planner.Settings(bandLow, bandHigh, desiredRetention, maxSteps, itemsPerStep, struggleFailures, 10);
    }
}
