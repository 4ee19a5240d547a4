package io.xueban.school;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.security.AccountChanged;
import io.xueban.security.Accounts;
import io.xueban.security.Memberships;
import io.xueban.security.Role;

/** Answers security's questions about accounts, classes and who teaches whom. */
@Component
class SchoolDirectory implements Accounts, Memberships {

    private static final String ACCOUNT_COLUMNS = "id, school_id, username, display_name, role, password_hash, enabled, "
            + "password_change_required";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    SchoolDirectory(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @Override
    @Transactional
    public void changeOwnPassword(long id, String hash) {
        jdbc.sql("UPDATE app_user SET password_hash = ?, password_change_required = FALSE WHERE id = ?").params(hash, id)
                .update();
        events.publishEvent(new AccountChanged(id, true));
    }

    @Override
    public void upgradePasswordHash(String username, String hash) {
        jdbc.sql("UPDATE app_user SET password_hash = ? WHERE username = ?").params(hash, username).update();
    }

    @Override
    public Optional<Account> findByUsername(String username) {
        return jdbc.sql("SELECT " + ACCOUNT_COLUMNS + " FROM app_user WHERE username = ?")
                .param(username.strip())
                .query((rs, n) -> account(rs))
                .optional();
    }

    @Override
    public Optional<Account> findById(long id) {
        return jdbc.sql("SELECT " + ACCOUNT_COLUMNS + " FROM app_user WHERE id = ?")
                .param(id)
                .query((rs, n) -> account(rs))
                .optional();
    }

    @Override
    public Optional<Long> schoolOfClass(long classId) {
        return jdbc.sql("SELECT school_id FROM class_group WHERE id = ?").param(classId).query(Long.class).optional();
    }

    @Override
    public Optional<Member> member(long userId) {
        return jdbc.sql("SELECT id, school_id, role FROM app_user WHERE id = ?")
                .param(userId)
                .query((rs, n) -> new Member(rs.getLong("id"), rs.getLong("school_id"), Role.valueOf(rs.getString("role"))))
                .optional();
    }

    @Override
    public boolean teachesClass(long teacherId, long classId) {
        return jdbc.sql("SELECT COUNT(*) FROM teaching_assignment WHERE teacher_id = ? AND class_id = ?")
                .params(teacherId, classId).query(Integer.class).single() > 0;
    }

    @Override
    public boolean teachesStudent(long teacherId, long studentId) {
        return jdbc.sql("""
                        SELECT COUNT(*) FROM teaching_assignment t JOIN enrolment e ON e.class_id = t.class_id
                        WHERE t.teacher_id = ? AND e.student_id = ?""")
                .params(teacherId, studentId).query(Integer.class).single() > 0;
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getLong("id"), rs.getLong("school_id"), rs.getString("username"),
                rs.getString("display_name"), Role.valueOf(rs.getString("role")), rs.getString("password_hash"),
                rs.getBoolean("enabled"), rs.getBoolean("password_change_required"));
    }
}
