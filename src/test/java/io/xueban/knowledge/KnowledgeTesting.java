package io.xueban.knowledge;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Waiting for background ingestion in tests. */
public final class KnowledgeTesting {

    private KnowledgeTesting() {
    }

    /** Waits until none of the documents is PENDING or PROCESSING; returns their statuses. */
    public static List<String> awaitFinished(JdbcClient jdbc, Collection<Long> ids, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> statuses = jdbc.sql("SELECT status FROM kb_document WHERE id IN (:ids)")
                    .param("ids", ids)
                    .query(String.class)
                    .list();
            boolean busy = statuses.stream().anyMatch(s -> s.equals("PENDING") || s.equals("PROCESSING"));
            if (!busy || System.nanoTime() > deadline) {
                return statuses.stream().distinct().toList();
            }
            Thread.sleep(100);
        }
    }
}
