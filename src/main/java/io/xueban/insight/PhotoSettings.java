package io.xueban.insight;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code xueban.insight.photo.*}: the largest photo accepted. (Every reading waits for a teacher,
 * however sure the vision model is.)
 */
@ConfigurationProperties("xueban.insight.photo")
record PhotoSettings(@DefaultValue("10MB") DataSize maxSize) {
}
