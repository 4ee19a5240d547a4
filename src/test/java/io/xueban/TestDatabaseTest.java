package io.xueban;

import java.sql.Connection;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Guards the PostgreSQL run: the suite really runs on the database it was asked to use. */
@XuebanTest
class TestDatabaseTest {

    @Autowired
    DataSource dataSource;

    @Test
    void suiteRunsOnTheRequestedDatabase() throws Exception {
        String expected = "postgresql".equals(System.getProperty("xueban.test.database")) ? "PostgreSQL" : "H2";
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo(expected);
        }
    }
}
