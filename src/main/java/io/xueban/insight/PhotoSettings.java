package io.xueban.insight;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code xueban.insight.photo.*}: the largest photo accepted, and how sure the vision model must
 * be for its reading to become a recorded answer without a teacher looking first.
 */
@ConfigurationProperties("xueban.insight.photo")
record PhotoSettings(@DefaultValue("10MB") DataSize maxSize, @DefaultValue("0.8") double confidenceThreshold) {
}
