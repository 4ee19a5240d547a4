package io.xueban;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Chooses the database for a whole test run. By default the suite runs on in-memory H2. When
 * Maven runs the PostgreSQL execution ({@code -Dxueban.test.database=postgresql}, set by the
 * pom when {@code XUEBAN_TEST_PG_URL} is set), the same tests run against that server in a
 * fresh schema, recreated once at the start of the run.
 */
public class TestDatabase implements LauncherSessionListener {

    static final String SCHEMA = "xueban_test";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!"postgresql".equals(System.getProperty("xueban.test.database"))) {
            return;
        }
        String url = System.getenv("XUEBAN_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("xueban.test.database=postgresql needs XUEBAN_TEST_PG_URL, "
                    + "e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        }
        String user = System.getenv().getOrDefault("XUEBAN_TEST_PG_USER", "");
        String password = System.getenv().getOrDefault("XUEBAN_TEST_PG_PASSWORD", "");
        try (Connection connection = user.isEmpty() ? DriverManager.getConnection(url)
                : DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            statement.execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the PostgreSQL test schema at " + url, e);
        }
        System.setProperty("spring.datasource.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        if (!user.isEmpty()) {
            System.setProperty("spring.datasource.username", user);
            System.setProperty("spring.datasource.password", password);
        } else {
            // The user comes from the URL; the H2 default user of application.yml must not apply.
            System.setProperty("spring.datasource.username", "");
            System.setProperty("spring.datasource.password", "");
        }
        System.setProperty("spring.flyway.schemas", SCHEMA);
        // Many test contexts stay cached (one per scripted model server), each with its own pool:
        // small pools that empty while idle keep the run well under the server's 100 connections.
        System.setProperty("spring.datasource.hikari.maximum-pool-size", "5");
        System.setProperty("spring.datasource.hikari.minimum-idle", "0");
        System.setProperty("spring.datasource.hikari.idle-timeout", "10000");
    }
}
