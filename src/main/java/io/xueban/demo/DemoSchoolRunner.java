package io.xueban.demo;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.xueban.school.Roster;

/**
 * Loads the demo school on the first start of the embedded H2 database, when no school exists
 * yet. Never on PostgreSQL: a production database starts empty.
 */
@Component
@Order(10)
class DemoSchoolRunner implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoSchoolRunner.class);

    private final DemoSchool demo;
    private final DemoSettings settings;
    private final Roster roster;
    private final DataSource dataSource;

    DemoSchoolRunner(DemoSchool demo, DemoSettings settings, Roster roster, DataSource dataSource) {
        this.demo = demo;
        this.settings = settings;
        this.roster = roster;
        this.dataSource = dataSource;
    }

    @Override
    public void run(ApplicationArguments args) throws SQLException {
        if (!settings.enabled() || !embedded() || roster.schoolCount() > 0) {
            return;
        }
        long start = System.nanoTime();
        DemoSchool.Summary loaded = demo.load();
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.info("""
                
                ==================== 学伴 Xueban demo school loaded ({} ms) ====================
                学伴实验中学: {} knowledge points, {} items, {} classes, {} students, {} answers,
                {} library documents (being indexed in the background)
                Sign in at http://localhost:8080/login (password for every demo account: {})
                  admin          {}
                  teachers       {} (初二(1)班), {} (初二(2)班), {} (初二(3)班)
                  students       s080101 … s080140, s080201 … s080240, s080301 … s080340
                Demo data lives only in the embedded database under xueban.data-dir.
                ==================================================================================""",
                millis, loaded.knowledgePoints(), loaded.items(), loaded.classes(), loaded.students(),
                loaded.responses(), loaded.documents(), DemoSchool.PASSWORD, DemoSchool.ADMIN,
                DemoSchool.TEACHERS.get(0), DemoSchool.TEACHERS.get(1), DemoSchool.TEACHERS.get(2));
    }

    private boolean embedded() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return "H2".equals(connection.getMetaData().getDatabaseProductName());
        }
    }
}
