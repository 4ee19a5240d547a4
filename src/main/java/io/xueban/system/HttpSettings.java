package io.xueban.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP limits: {@code xueban.http.*}. File uploads (multipart requests) may be larger than other
 * bodies; each feature checks its own file limit on top.
 */
@ConfigurationProperties("xueban.http")
record HttpSettings(DataSize maxBodySize, @DefaultValue("21MB") DataSize maxUploadSize) {
}
