package io.xueban.safety;

import java.time.Clock;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.xueban.system.Db;

/**
 * In-app notifications other features send (a teacher's reminder of an assignment, say): shown
 * to their recipients under /api/notifications beside delivered alerts, each with the page it
 * leads to.
 */
@Service
public class Notifications {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    Notifications(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One notification for each of these users of the school. */
    public void send(long schoolId, Collection<Long> userIds, String text, String link) {
        var now = Db.utc(clock.instant());
        List<Object[]> rows = userIds.stream().map(user -> new Object[] {schoolId, user, text, link, now}).toList();
        jdbc.batchUpdate("INSERT INTO notification (school_id, user_id, text, link, created_at) VALUES (?, ?, ?, ?, ?)", rows);
    }
}
