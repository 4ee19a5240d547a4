package io.xueban.school;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.security.AccountChanged;
import io.xueban.security.PasswordRules;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Db;

import static io.xueban.school.SchoolRecords.Assignment;
import static io.xueban.school.SchoolRecords.ClassRef;
import static io.xueban.school.SchoolRecords.Person;
import static io.xueban.school.SchoolRecords.SchoolClass;
import static io.xueban.school.SchoolRecords.Student;
import static io.xueban.school.SchoolRecords.Teaching;

/** Classes, accounts, enrolments and teaching assignments of a school. */
@Service
public class Roster {

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final PasswordRules rules;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    Roster(JdbcClient jdbc, PasswordEncoder passwords, PasswordRules rules, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.rules = rules;
        this.clock = clock;
        this.events = events;
    }

    /** Creates a school and returns its id. */
    @Transactional
    public long createSchool(String code, String name) {
        return Db.insert(jdbc, "INSERT INTO school (code, name, created_at) VALUES (?, ?, ?)",
                code, name, Db.utc(clock.instant()));
    }

    public Optional<Long> schoolByCode(String code) {
        return jdbc.sql("SELECT id FROM school WHERE code = ?").param(code).query(Long.class).optional();
    }

    public int schoolCount() {
        return jdbc.sql("SELECT COUNT(*) FROM school").query(Integer.class).single();
    }

    /** Ids of the students enrolled in a class, for features that work on a whole class. */
    public List<Long> studentIdsOf(long classId) {
        return jdbc.sql("SELECT student_id FROM enrolment WHERE class_id = ? ORDER BY student_id")
                .param(classId).query(Long.class).list();
    }

    public Optional<ClassInfo> classInfo(long classId) {
        return jdbc.sql("SELECT id, school_id, name, grade FROM class_group WHERE id = ?").param(classId)
                .query((rs, n) -> new ClassInfo(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4))).optional();
    }

    /** A student of a class as lists of the class show them. */
    public record ClassStudent(long id, String username, String name) {
    }

    /** The students of a class with their usernames and display names, in student-number order. */
    public List<ClassStudent> classStudents(long classId) {
        return jdbc.sql("""
                        SELECT u.id, u.username, u.display_name FROM enrolment e JOIN app_user u ON u.id = e.student_id
                        WHERE e.class_id = ? ORDER BY u.username""")
                .param(classId)
                .query((rs, n) -> new ClassStudent(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    /** The students of a class with their display names, in student-number order. */
    public Map<Long, String> studentNamesOf(long classId) {
        Map<Long, String> students = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT u.id, u.display_name FROM enrolment e JOIN app_user u ON u.id = e.student_id
                        WHERE e.class_id = ? ORDER BY u.username""")
                .param(classId)
                .query(rs -> {
                    students.put(rs.getLong(1), rs.getString(2));
                });
        return students;
    }

    List<SchoolClass> classesOfSchool(long schoolId) {
        return classes("SELECT id, name, grade FROM class_group WHERE school_id = ? ORDER BY grade, name", schoolId);
    }

    List<SchoolClass> classesTaughtBy(long teacherId) {
        return classes("""
                SELECT DISTINCT c.id, c.name, c.grade FROM class_group c
                JOIN teaching_assignment t ON t.class_id = c.id WHERE t.teacher_id = ? ORDER BY c.grade, c.name""", teacherId);
    }

    List<SchoolClass> classesOfStudent(long studentId) {
        return classes("""
                SELECT c.id, c.name, c.grade FROM class_group c
                JOIN enrolment e ON e.class_id = c.id WHERE e.student_id = ? ORDER BY c.grade, c.name""", studentId);
    }

    SchoolClass schoolClass(long classId) {
        return classes("SELECT id, name, grade FROM class_group WHERE id = ?", classId).getFirst();
    }

    private List<SchoolClass> classes(String sql, long param) {
        List<ClassRef> refs = jdbc.sql(sql).param(param).query(Roster::classRef).list();
        if (refs.isEmpty()) {
            return List.of();
        }
        List<Long> ids = refs.stream().map(ClassRef::id).toList();
        Map<Long, Integer> counts = new HashMap<>();
        jdbc.sql("SELECT class_id, COUNT(*) AS n FROM enrolment WHERE class_id IN (:ids) GROUP BY class_id")
                .param("ids", ids)
                .query((rs, n) -> Map.entry(rs.getLong("class_id"), rs.getInt("n")))
                .list().forEach(e -> counts.put(e.getKey(), e.getValue()));
        Map<Long, List<Teaching>> teachers = new HashMap<>();
        jdbc.sql("""
                        SELECT t.id, t.class_id, t.teacher_id, u.display_name, t.subject_id, s.name AS subject_name
                        FROM teaching_assignment t JOIN app_user u ON u.id = t.teacher_id JOIN subject s ON s.id = t.subject_id
                        WHERE t.class_id IN (:ids) ORDER BY t.id""")
                .param("ids", ids)
                .query((rs, n) -> Map.entry(rs.getLong("class_id"), new Teaching(rs.getLong("id"), rs.getLong("teacher_id"),
                        rs.getString("display_name"), rs.getLong("subject_id"), rs.getString("subject_name"))))
                .list().forEach(e -> teachers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return refs.stream()
                .map(c -> new SchoolClass(c.id(), c.name(), c.grade(), counts.getOrDefault(c.id(), 0),
                        teachers.getOrDefault(c.id(), List.of())))
                .toList();
    }

    List<Student> studentsOf(long classId) {
        Map<Long, List<ClassRef>> classes = new HashMap<>();
        jdbc.sql("""
                        SELECT e.student_id, c.id, c.name, c.grade FROM enrolment e
                        JOIN class_group c ON c.id = e.class_id
                        WHERE e.student_id IN (SELECT student_id FROM enrolment WHERE class_id = ?)
                        ORDER BY c.grade, c.name""")
                .param(classId)
                .query((rs, n) -> Map.entry(rs.getLong("student_id"),
                        new ClassRef(rs.getLong("id"), rs.getString("name"), rs.getInt("grade"))))
                .list()
                .forEach(e -> classes.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return jdbc.sql("""
                        SELECT u.id, u.username, u.display_name FROM app_user u JOIN enrolment e ON e.student_id = u.id
                        WHERE e.class_id = ? ORDER BY u.username""")
                .param(classId)
                .query((rs, n) -> new Student(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"),
                        classes.getOrDefault(rs.getLong("id"), List.of())))
                .list();
    }

    Optional<Student> student(long studentId) {
        return jdbc.sql("SELECT id, username, display_name FROM app_user WHERE id = ? AND role = 'STUDENT'")
                .param(studentId)
                .query((rs, n) -> new Student(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"),
                        classRefsOf(studentId)))
                .optional();
    }

    private List<ClassRef> classRefsOf(long studentId) {
        return jdbc.sql("""
                        SELECT c.id, c.name, c.grade FROM class_group c JOIN enrolment e ON e.class_id = c.id
                        WHERE e.student_id = ? ORDER BY c.grade, c.name""")
                .param(studentId).query(Roster::classRef).list();
    }

    List<Person> people(long schoolId, Role role) {
        return jdbc.sql("""
                        SELECT id, username, display_name, role, enabled, email FROM app_user
                        WHERE school_id = ? AND (CAST(? AS VARCHAR(16)) IS NULL OR role = ?) ORDER BY role, username""")
                .params(schoolId, role == null ? null : role.name(), role == null ? null : role.name())
                .query(Roster::person)
                .list();
    }

    Optional<Person> person(long id) {
        return jdbc.sql("SELECT id, username, display_name, role, enabled, email FROM app_user WHERE id = ?")
                .param(id).query(Roster::person).optional();
    }

    Optional<Long> schoolOfUser(long id) {
        return jdbc.sql("SELECT school_id FROM app_user WHERE id = ?").param(id).query(Long.class).optional();
    }

    Optional<ClassRef> classByName(long schoolId, String name) {
        return jdbc.sql("SELECT id, name, grade FROM class_group WHERE school_id = ? AND name = ?")
                .params(schoolId, name).query(Roster::classRef).optional();
    }

    /** A free username like the one asked for: the school's code in front, then a number if needed. */
    String usernameSuggestion(long schoolId, String username) {
        String code = jdbc.sql("SELECT code FROM school WHERE id = ?").param(schoolId).query(String.class).single();
        String base = username.startsWith(code + ".") ? username : code + "." + username;
        String suggestion = base;
        for (int n = 2; usernameTaken(suggestion); n++) {
            suggestion = base + n;
        }
        return suggestion;
    }

    boolean usernameTaken(String username) {
        return jdbc.sql("SELECT COUNT(*) FROM app_user WHERE LOWER(username) = LOWER(?)")
                .param(username).query(Integer.class).single() > 0;
    }

    @Transactional
    public long createClass(long schoolId, String name, int grade) {
        if (classByName(schoolId, name).isPresent()) {
            throw ApiException.conflict("class-name-taken", name);
        }
        return Db.insert(jdbc, "INSERT INTO class_group (school_id, name, grade, created_at) VALUES (?, ?, ?, ?)",
                schoolId, name, grade, Db.utc(clock.instant()));
    }

    /**
     * Creates an account; the password is checked against {@link PasswordRules} and hashed here
     * unless {@code passwordIsHashed} (the caller has done both).
     */
    @Transactional
    public long createUser(long schoolId, String username, String displayName, Role role, String password,
                           boolean passwordIsHashed) {
        return createUser(schoolId, username, displayName, role, password, passwordIsHashed, false);
    }

    /** @param chosenForThem the password was chosen for the account (by an admin, in a roster): its owner changes it at sign-in */
    @Transactional
    long createUser(long schoolId, String username, String displayName, Role role, String password,
                    boolean passwordIsHashed, boolean chosenForThem) {
        if (!passwordIsHashed) {
            rules.check(password, role, username);
        }
        if (usernameTaken(username)) {
            // Usernames are unique across the instance: the answer must not tell whether another school holds it.
            throw ApiException.conflict("username-unavailable", username, usernameSuggestion(schoolId, username));
        }
        return Db.insert(jdbc, """
                        INSERT INTO app_user (school_id, username, display_name, role, password_hash, enabled, created_at,
                            password_change_required) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?)""",
                schoolId, username, displayName, role.name(),
                passwordIsHashed ? password : passwords.encode(password), Db.utc(clock.instant()), chosenForThem);
    }

    @Transactional
    void updateUser(long id, String displayName, Boolean enabled, String password, String email) {
        if (email != null) {
            jdbc.sql("UPDATE app_user SET email = ? WHERE id = ?").params(email.isBlank() ? null : email.strip(), id).update();
        }
        if (displayName != null) {
            jdbc.sql("UPDATE app_user SET display_name = ? WHERE id = ?").params(displayName, id).update();
        }
        if (enabled != null) {
            jdbc.sql("UPDATE app_user SET enabled = ? WHERE id = ?").params(enabled, id).update();
        }
        if (password != null) {
            var account = jdbc.sql("SELECT username, role FROM app_user WHERE id = ?").param(id)
                    .query((rs, n) -> Map.entry(rs.getString(1), Role.valueOf(rs.getString(2)))).single();
            rules.check(password, account.getValue(), account.getKey());
            // An admin chose it: the owner changes it at their next sign-in in the browser.
            jdbc.sql("UPDATE app_user SET password_hash = ?, password_change_required = TRUE WHERE id = ?")
                    .params(passwords.encode(password), id).update();
        }
        // A new password or a disabled account signs the user out everywhere.
        events.publishEvent(new AccountChanged(id, password != null || Boolean.FALSE.equals(enabled)));
    }

    /** Signs the user out everywhere: their tokens are revoked, their sessions end. */
    @Transactional
    void signOut(long id) {
        events.publishEvent(new AccountChanged(id, true));
    }

    /** Enrols a student in a class; enrolling twice is harmless. Returns whether it was new. */
    @Transactional
    public boolean enrol(long schoolId, long classId, long studentId) {
        int existing = jdbc.sql("SELECT COUNT(*) FROM enrolment WHERE class_id = ? AND student_id = ?")
                .params(classId, studentId).query(Integer.class).single();
        if (existing > 0) {
            return false;
        }
        jdbc.sql("INSERT INTO enrolment (school_id, class_id, student_id) VALUES (?, ?, ?)")
                .params(schoolId, classId, studentId).update();
        return true;
    }

    @Transactional
    boolean unenrol(long classId, long studentId) {
        return jdbc.sql("DELETE FROM enrolment WHERE class_id = ? AND student_id = ?")
                .params(classId, studentId).update() > 0;
    }

    @Transactional
    public long assign(long schoolId, long teacherId, long classId, long subjectId) {
        Optional<Long> existing = jdbc.sql(
                        "SELECT id FROM teaching_assignment WHERE teacher_id = ? AND class_id = ? AND subject_id = ?")
                .params(teacherId, classId, subjectId).query(Long.class).optional();
        return existing.orElseGet(() -> Db.insert(jdbc, """
                        INSERT INTO teaching_assignment (school_id, teacher_id, class_id, subject_id) VALUES (?, ?, ?, ?)""",
                schoolId, teacherId, classId, subjectId));
    }

    Optional<Assignment> assignment(long schoolId, long id) {
        return jdbc.sql("SELECT id, teacher_id, class_id, subject_id FROM teaching_assignment WHERE id = ? AND school_id = ?")
                .params(id, schoolId).query(Roster::assignment).optional();
    }

    List<Assignment> assignments(long schoolId) {
        return jdbc.sql("SELECT id, teacher_id, class_id, subject_id FROM teaching_assignment WHERE school_id = ? ORDER BY id")
                .param(schoolId).query(Roster::assignment).list();
    }

    @Transactional
    boolean unassign(long schoolId, long id) {
        return jdbc.sql("DELETE FROM teaching_assignment WHERE id = ? AND school_id = ?").params(id, schoolId).update() > 0;
    }

    private static ClassRef classRef(ResultSet rs, int n) throws SQLException {
        return new ClassRef(rs.getLong("id"), rs.getString("name"), rs.getInt("grade"));
    }

    private static Person person(ResultSet rs, int n) throws SQLException {
        return new Person(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"),
                Role.valueOf(rs.getString("role")), rs.getBoolean("enabled"), rs.getString("email"));
    }

    private static Assignment assignment(ResultSet rs, int n) throws SQLException {
        return new Assignment(rs.getLong("id"), rs.getLong("teacher_id"), rs.getLong("class_id"), rs.getLong("subject_id"));
    }
}
