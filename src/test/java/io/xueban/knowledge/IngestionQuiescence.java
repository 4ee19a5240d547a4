package io.xueban.knowledge;

import java.time.Duration;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * After each test class, waits until no library document is being ingested. ONNX Runtime releases
 * its native environment in a JVM shutdown hook; an embedding still running when the test JVM
 * exits would crash it (see {@link Embeddings}). Classes that leave nothing queued pass at once.
 */
public class IngestionQuiescence implements TestExecutionListener {

    private static final Duration LIMIT = Duration.ofMinutes(3);

    @Override
    public void afterTestClass(TestContext context) throws Exception {
        if (!context.hasApplicationContext()) {
            return;
        }
        JdbcClient jdbc = context.getApplicationContext().getBeanProvider(JdbcClient.class).getIfAvailable();
        KnowledgeIngestion ingestion = context.getApplicationContext().getBeanProvider(KnowledgeIngestion.class)
                .getIfAvailable();
        if (jdbc == null || ingestion == null) {
            return;
        }
        long deadline = System.nanoTime() + LIMIT.toNanos();
        // A stopped (paused) worker embeds nothing: then there is nothing to wait for.
        while (ingestion.isRunning() && System.nanoTime() < deadline && jdbc.sql(
                        "SELECT COUNT(*) FROM kb_document WHERE status IN ('PENDING', 'PROCESSING')")
                .query(Long.class).single() > 0) {
            Thread.sleep(200);
        }
    }
}
