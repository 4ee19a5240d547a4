package io.xueban.school;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.annotation.PreDestroy;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.curriculum.Subject;
import io.xueban.curriculum.Subjects;
import io.xueban.safety.AuditLog;
import io.xueban.security.CurrentUser;
import io.xueban.security.PasswordRules;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Csv;

/**
 * Imports a roster file: accounts, classes (created when new), enrolments and teaching
 * assignments. Every row is checked first; one bad row rejects the whole file with the list of
 * bad rows, and nothing is written. Then the passwords are hashed (on a pool of its own) and
 * everything is written in one transaction; {@link RosterImports} does that in the background
 * for large files.
 *
 * <p>Columns (English or Chinese headers): username/用户名/学号, display_name/姓名, role/角色,
 * class/班级 (several separated by ";"), grade/年级 (needed for a new class), subject/学科 (for
 * teachers with classes), password/密码 (optional: a random initial password is made and returned).
 */
@Service
class RosterImport {

    private static final Map<String, String> COLUMNS = Map.ofEntries(
            Map.entry("username", "username"), Map.entry("用户名", "username"), Map.entry("学号", "username"),
            Map.entry("账号", "username"),
            Map.entry("display_name", "display_name"), Map.entry("name", "display_name"), Map.entry("姓名", "display_name"),
            Map.entry("role", "role"), Map.entry("角色", "role"),
            Map.entry("class", "class"), Map.entry("班级", "class"),
            Map.entry("grade", "grade"), Map.entry("年级", "grade"),
            Map.entry("subject", "subject"), Map.entry("学科", "subject"),
            Map.entry("password", "password"), Map.entry("密码", "password"));

    private static final Map<String, Role> ROLES = Map.of(
            "student", Role.STUDENT, "学生", Role.STUDENT,
            "teacher", Role.TEACHER, "教师", Role.TEACHER, "老师", Role.TEACHER,
            "admin", Role.ADMIN, "管理员", Role.ADMIN);

    /** Rows one file may hold; a bigger roster goes in several files. */
    static final int MAX_ROWS = 20_000;
    /** bcrypt cost of an imported password until its first sign-in (2^6 rounds, a few milliseconds). */
    static final int INITIAL_HASH_STRENGTH = 6;
    private static final String INITIAL_HASH_PREFIX = "{bcrypt}";

    private static final String PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final Roster roster;
    private final Subjects subjects;
    private final PasswordRules rules;
    private final AuditLog audit;
    private final MessageSource messages;
    private final SecureRandom random = new SecureRandom();
    private final BCryptPasswordEncoder initialHashes = new BCryptPasswordEncoder(INITIAL_HASH_STRENGTH);
    /** Hashing runs here, on half the cores at most: the others stay free for chats and lessons. */
    private final ExecutorService hashing = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
            Thread.ofPlatform().daemon().name("roster-hash-", 0).factory());

    RosterImport(Roster roster, Subjects subjects, PasswordRules rules, AuditLog audit, MessageSource messages) {
        this.rules = rules;
        this.roster = roster;
        this.subjects = subjects;
        this.audit = audit;
        this.messages = messages;
    }

    @PreDestroy
    void stop() {
        hashing.shutdownNow();
    }

    /** A checked file: what to create, row by row, and the classes that are new. */
    record Plan(List<Planned> users, Map<String, Integer> newClasses) {

        int rows() {
            return users.size();
        }
    }

    /**
     * Checks a file against the school as it is now: every bad row listed (422), more than
     * {@link #MAX_ROWS} rows refused (413), nothing written.
     */
    @Transactional(readOnly = true)
    Plan plan(CurrentUser admin, byte[] file) {
        Csv.Table table = Csv.parse(file, COLUMNS, Set.of("username", "display_name", "role"));
        if (table.rows().size() > MAX_ROWS) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "roster-too-many-rows", table.rows().size(), MAX_ROWS);
        }
        Locale locale = LocaleContextHolder.getLocale();
        List<ApiException.RowError> errors = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        Map<String, Integer> newClasses = new LinkedHashMap<>();
        Set<String> usernames = new HashSet<>();

        for (Csv.Row row : table.rows()) {
            List<String> problems = new ArrayList<>();
            check(admin, row, usernames, newClasses, problems).ifPresent(planned::add);
            problems.forEach(key -> errors.add(new ApiException.RowError(row.number(), describe(key, locale))));
        }
        if (table.rows().isEmpty()) {
            throw ApiException.badRequest("csv-no-rows");
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidRows(errors);
        }

        return new Plan(List.copyOf(planned), newClasses);
    }

    /**
     * Hashes a plan's passwords on the import pool (a part of the cores, so that chats and lessons
     * keep theirs), reporting each one done. Initial passwords get a cheaper bcrypt cost, raised to
     * the usual one at the account's first sign-in.
     */
    List<String> hash(Plan plan, Runnable eachDone) {
        List<Callable<String>> tasks = plan.users().stream().<Callable<String>>map(p -> () -> {
            String hash = INITIAL_HASH_PREFIX + initialHashes.encode(p.password());
            eachDone.run();
            return hash;
        }).toList();
        try {
            List<String> hashes = new ArrayList<>();
            for (Future<String> done : hashing.invokeAll(tasks)) {
                hashes.add(done.get());
            }
            return hashes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("roster import interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing a password failed", e.getCause());
        }
    }

    /** Writes a checked, hashed plan in one transaction: all of it or, if the school changed meanwhile, none. */
    @Transactional
    Result write(CurrentUser admin, Plan plan, List<String> hashes) {
        List<Planned> planned = plan.users();
        Map<String, Integer> newClasses = plan.newClasses();
        Map<String, Long> classIds = new HashMap<>();
        newClasses.forEach((name, grade) -> classIds.put(name, roster.createClass(admin.schoolId(), name, grade)));
        List<Credential> initialPasswords = new ArrayList<>();
        int enrolments = 0;
        int assignments = 0;
        for (int i = 0; i < planned.size(); i++) {
            Planned p = planned.get(i);
            long userId = roster.createUser(admin.schoolId(), p.username(), p.displayName(), p.role(), hashes.get(i), true,
                    true);
            if (p.generatedPassword()) {
                initialPasswords.add(new Credential(p.username(), p.password()));
            }
            for (String className : p.classes()) {
                long classId = classIds.computeIfAbsent(className,
                        name -> roster.classByName(admin.schoolId(), name).orElseThrow().id());
                if (p.role() == Role.STUDENT) {
                    roster.enrol(admin.schoolId(), classId, userId);
                    enrolments++;
                } else {
                    roster.assign(admin.schoolId(), userId, classId, p.subject().id());
                    assignments++;
                }
            }
        }
        audit.record(admin, "roster.import", "school", admin.schoolId(),
                planned.size() + " users, " + newClasses.size() + " new classes");
        return new Result(planned.size(), List.copyOf(newClasses.keySet()), enrolments, assignments, initialPasswords);
    }

    /** Checks one row, adding message keys for what is wrong; the plan for the row when it is right. */
    private Optional<Planned> check(CurrentUser admin, Csv.Row row, Set<String> usernames,
                                    Map<String, Integer> newClasses, List<String> problems) {
        if (!row.complete()) {
            problems.add("roster.cell-count");
            return Optional.empty();
        }
        String username = row.get("username");
        String displayName = row.get("display_name");
        String roleText = row.get("role");
        Role role = roleText == null ? null : ROLES.get(roleText.toLowerCase(Locale.ROOT));
        if (username == null || !username.matches("[A-Za-z0-9._@-]{2,64}")) {
            problems.add("roster.username-invalid");
        } else if (!usernames.add(username.toLowerCase(Locale.ROOT))) {
            problems.add("roster.username-repeated");
        } else if (roster.usernameTaken(username)) {
            problems.add("roster.username-taken");
        }
        if (displayName == null || displayName.length() > 100) {
            problems.add("roster.name-invalid");
        }
        if (role == null) {
            problems.add("roster.role-invalid");
        }
        String password = row.get("password");
        if (password != null && rules.problem(password, role == null ? Role.TEACHER : role, username).isPresent()) {
            problems.add("roster.password-weak");
        }
        List<String> classes = row.get("class") == null ? List.of()
                : Arrays.stream(row.get("class").split("[;；]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        Integer grade = parseGrade(row.get("grade"));
        if (row.get("grade") != null && grade == null) {
            problems.add("roster.grade-invalid");
        }
        Subject subject = null;
        if (role == Role.STUDENT && classes.isEmpty()) {
            problems.add("roster.student-needs-class");
        }
        if (role == Role.ADMIN && !classes.isEmpty()) {
            problems.add("roster.admin-no-class");
        }
        if (role == Role.TEACHER && !classes.isEmpty()) {
            subject = row.get("subject") == null ? null
                    : subjects.findByCodeOrName(admin.schoolId(), row.get("subject")).orElse(null);
            if (subject == null) {
                problems.add("roster.subject-unknown");
            }
        }
        for (String name : classes) {
            if (name.length() > 100) {
                problems.add("roster.class-invalid");
            } else if (roster.classByName(admin.schoolId(), name).isEmpty()) {
                Integer planned = newClasses.get(name);
                if (grade == null && planned == null) {
                    problems.add("roster.new-class-needs-grade");
                } else if (grade != null && planned != null && !planned.equals(grade)) {
                    problems.add("roster.class-grade-conflict");
                } else if (planned == null) {
                    newClasses.put(name, grade);
                }
            }
        }
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        boolean generated = password == null;
        return Optional.of(new Planned(username, displayName, role, generated ? newPassword(role, username) : password,
                generated, classes, subject));
    }

    private static Integer parseGrade(String text) {
        if (text == null) {
            return null;
        }
        try {
            int grade = Integer.parseInt(text.strip());
            return grade >= 1 && grade <= 12 ? grade : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String newPassword(Role role, String username) {
        String made;
        do {
            StringBuilder password = new StringBuilder();
            for (int i = 0; i < PasswordRules.MIN_STAFF; i++) {
                password.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
            }
            made = password.toString();
        } while (rules.problem(made, role, username).isPresent());
        return made;
    }

    private String describe(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }

    record Planned(String username, String displayName, Role role, String password, boolean generatedPassword,
                           List<String> classes, Subject subject) {
    }

    /** An initial password made by the import: shown once, for the admin to hand out. */
    record Credential(String username, String password) {
    }

    record Result(int usersCreated, List<String> classesCreated, int enrolments, int teachingAssignments,
                  List<Credential> initialPasswords) {
    }
}
