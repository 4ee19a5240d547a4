package io.xueban.curriculum;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.system.ApiException;
import io.xueban.system.Db;

/** The subjects a school teaches; other features look subjects up here. */
@Service
public class Subjects {

    private final JdbcClient jdbc;

    Subjects(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Subject> find(long id) {
        return jdbc.sql("SELECT id, school_id, code, name FROM subject WHERE id = ?")
                .param(id)
                .query(Subjects::row)
                .optional();
    }

    /** A subject of the school by code or by name, as people write it in a roster file. */
    public Optional<Subject> findByCodeOrName(long schoolId, String codeOrName) {
        return jdbc.sql("SELECT id, school_id, code, name FROM subject WHERE school_id = ? AND (code = ? OR name = ?) ORDER BY id")
                .params(schoolId, codeOrName, codeOrName)
                .query(Subjects::row)
                .list().stream().findFirst();
    }

    /** The school's subject with this id; a 400 when the request names another. */
    public Subject require(long schoolId, long subjectId) {
        return find(subjectId)
                .filter(subject -> subject.schoolId() == schoolId)
                .orElseThrow(() -> ApiException.badRequest("unknown-subject", subjectId));
    }

    public List<Subject> list(long schoolId) {
        return jdbc.sql("SELECT id, school_id, code, name FROM subject WHERE school_id = ? ORDER BY id")
                .param(schoolId)
                .query(Subjects::row)
                .list();
    }

    @Transactional
    public Subject create(long schoolId, String code, String name) {
        long id = Db.insert(jdbc, "INSERT INTO subject (school_id, code, name) VALUES (?, ?, ?)", schoolId, code, name);
        return new Subject(id, schoolId, code, name);
    }

    boolean codeTaken(long schoolId, String code) {
        return jdbc.sql("SELECT COUNT(*) FROM subject WHERE school_id = ? AND code = ?")
                .params(schoolId, code).query(Integer.class).single() > 0;
    }

    private static Subject row(ResultSet rs, int n) throws SQLException {
        return new Subject(rs.getLong("id"), rs.getLong("school_id"), rs.getString("code"), rs.getString("name"));
    }
}
