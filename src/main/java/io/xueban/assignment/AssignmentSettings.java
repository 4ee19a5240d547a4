package io.xueban.assignment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code xueban.assignment.*}: whether typed answers to open items get a mark suggested by the
 * model for the teacher who marks them (in the background, at the lowest priority; photos of work
 * always get one, from their reading), and how often the answers handed in are looked for.
 */
@ConfigurationProperties("xueban.assignment")
record AssignmentSettings(@DefaultValue("true") boolean suggestMarks, @DefaultValue("5s") Duration suggestEvery) {
}
