package io.xueban.knowledge;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code xueban.knowledge.*}: the library's limits, the chunk size, where this instance keeps
 * its Lucene index, how often it catches up with changes made by other instances, and whether
 * the embedding model loads at start-up (so that the first lesson does not wait for it) or on
 * first use.
 */
@ConfigurationProperties("xueban.knowledge")
record KnowledgeSettings(
        Path indexDir,
        Path cacheDir,
        @DefaultValue("20MB") DataSize maxFileSize,
        @DefaultValue("500") int chunkMaxChars,
        @DefaultValue("80") int chunkOverlapChars,
        @DefaultValue("5s") Duration syncInterval,
        @DefaultValue("2") int embeddingThreads,
        @DefaultValue("true") boolean preloadEmbeddings) {
}
