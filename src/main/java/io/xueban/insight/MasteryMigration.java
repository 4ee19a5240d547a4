package io.xueban.insight;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Schools whose students' states were written before the hidden-state model (their rows have no
 * probability of mastery) are refitted once, in the background after start-up: their stored
 * answers are replayed through the new model. Their admins see it waiting, running and done on
 * the data page.
 */
@Component
class MasteryMigration {

    private static final Logger log = LoggerFactory.getLogger(MasteryMigration.class);

    private final JdbcClient jdbc;
    private final MasteryRefits refits;

    MasteryMigration(JdbcClient jdbc, MasteryRefits refits) {
        this.jdbc = jdbc;
        this.refits = refits;
    }

    @EventListener(ApplicationReadyEvent.class)
    void refitOldStates() {
        // Off the start-up path: finding the schools reads the whole table.
        Thread.ofPlatform().daemon().name("mastery-migration").start(this::refitSchoolsWithOldStates);
    }

    void refitSchoolsWithOldStates() {
        List<Long> schools = jdbc.sql("SELECT DISTINCT school_id FROM mastery WHERE mastered IS NULL")
                .query(Long.class).list();
        schools.forEach(school -> refits.due(school, MasteryRefits.Reason.MODEL_UPGRADE));
        for (long school : schools) {
            try {
                MasteryService.Refit refit = refits.run(school, MasteryRefits.Reason.MODEL_UPGRADE);
                log.info("School {}: mastery recomputed under the hidden-state model ({} students, {} answers)",
                        school, refit.students(), refit.responses());
            } catch (RuntimeException e) {
                log.warn("School {}: mastery could not be recomputed; an admin can refit it", school, e);
            }
        }
    }
}
