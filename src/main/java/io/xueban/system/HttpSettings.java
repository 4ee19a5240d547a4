package io.xueban.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** HTTP limits: {@code xueban.http.*}. */
@ConfigurationProperties("xueban.http")
record HttpSettings(DataSize maxBodySize) {
}
