package io.xueban.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;

/**
 * A second instance's index, over the same database: it builds itself from the database, follows
 * the change log for uploads and deletions made elsewhere, resumes from its watermark after a
 * restart, and rebuilds when its files are unreadable.
 */
@XuebanTest
class KnowledgeIndexSyncTest {

    @Autowired
    KnowledgeStore store;
    @Autowired
    KnowledgeIngestion ingestion;
    @Autowired
    TestSchools schools;
    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dir;

    TestSchools.School school;
    KnowledgeIndex other;

    @BeforeEach
    void otherInstance() throws InterruptedException {
        // Other test classes' libraries (the demo school's) may still be ingesting in the background.
        List<Long> busy = jdbc.sql("SELECT id FROM kb_document WHERE status IN ('PENDING', 'PROCESSING')")
                .query(Long.class).list();
        if (!busy.isEmpty()) {
            KnowledgeTesting.awaitFinished(jdbc, busy, Duration.ofMinutes(3));
        }
        school = schools.create();
        other = index(dir.resolve("index"));
    }

    @AfterEach
    void stop() {
        other.stop();
    }

    @Test
    void anotherInstanceFollowsUploadsAndDeletionsMadeElsewhere() throws Exception {
        assertThat(other.indexedCount()).isEqualTo(store.readyChunkCount());

        long id = addAndWait("# 弦图\n赵爽弦图用四个全等的直角三角形拼出大正方形。\n");
        assertThat(found(other, "赵爽弦图")).isFalse();
        other.catchUp();
        assertThat(found(other, "赵爽弦图")).isTrue();

        other.stop();
        ingestion.delete(id);
        other = index(dir.resolve("index"));
        assertThat(found(other, "赵爽弦图")).as("the deletion is applied on restart").isFalse();
        assertThat(other.indexedCount()).isEqualTo(store.readyChunkCount());
    }

    @Test
    void anUnreadableIndexIsRebuiltFromTheDatabase() throws Exception {
        addAndWait("# 勾股数\n3、4、5 是最小的一组勾股数。\n");
        other.stop();
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("segments_1"), "not a lucene index");

        other = index(broken);

        assertThat(other.indexedCount()).isEqualTo(store.readyChunkCount());
        assertThat(found(other, "勾股数")).isTrue();
    }

    private long addAndWait(String markdown) throws InterruptedException {
        long id = ingestion.add(school.id(), school.teacher1(), "sync-" + System.nanoTime() + ".md",
                (markdown + System.nanoTime()).getBytes(StandardCharsets.UTF_8),
                new DocumentMetadata(null, null, null, null, List.of(), DocumentKind.OTHER, null, Visibility.SCHOOL));
        assertThat(KnowledgeTesting.awaitFinished(jdbc, List.of(id), Duration.ofSeconds(60))).containsOnly("READY");
        return id;
    }

    private boolean found(KnowledgeIndex index, String term) {
        KnowledgeIndex.Filter filter = new KnowledgeIndex.Filter(school.id(), null, null, null, null, null);
        return !index.keywordSearch(term, filter, 10).isEmpty();
    }

    private KnowledgeIndex index(Path path) {
        KnowledgeSettings settings = new KnowledgeSettings(path, dir.resolve("cache"), DataSize.ofMegabytes(20), 500, 80,
                Duration.ofHours(1), 1, false);
        KnowledgeIndex index = new KnowledgeIndex(store, settings);
        index.start();
        return index;
    }
}
