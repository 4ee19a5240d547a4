package io.xueban;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemRequest;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePointRequest;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.curriculum.Subjects;
import io.xueban.school.Roster;
import io.xueban.security.Role;
import tools.jackson.databind.json.JsonMapper;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Builds small schools for tests, each with unique names so tests never see each other's data:
 * one admin, two teachers each teaching one class, one student in each class, one subject, two
 * knowledge points and two items.
 */
@TestComponent
public class TestSchools {

    public static final String PASSWORD = "correct-horse-1";
    /** The demo school's published password (README). */
    public static final String DEMO_PASSWORD = "xueban2026";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Roster roster;
    private final Subjects subjects;
    private final KnowledgePoints knowledgePoints;
    private final Items items;
    private final PasswordEncoder passwords;
    private final MockMvc mvc;
    private final JsonMapper json;
    private final JdbcClient jdbc;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private volatile String hash;

    TestSchools(Roster roster, Subjects subjects, KnowledgePoints knowledgePoints, Items items,
                PasswordEncoder passwords, MockMvc mvc, JsonMapper json, JdbcClient jdbc) {
        this.roster = roster;
        this.subjects = subjects;
        this.knowledgePoints = knowledgePoints;
        this.items = items;
        this.passwords = passwords;
        this.mvc = mvc;
        this.json = json;
        this.jdbc = jdbc;
    }

    /** How many rows of a table belong to a school: tests use it to show that a refusal changed nothing. */
    public int rows(String table, long schoolId) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE school_id = ?").param(schoolId)
                .query(Integer.class).single();
    }

    public School create() {
        if (hash == null) {
            hash = passwords.encode(PASSWORD);
        }
        String p = "t" + COUNTER.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 1_000_000, 36);
        long school = roster.createSchool(p, "测试学校 " + p);
        long admin = roster.createUser(school, p + ".admin", "管理员", Role.ADMIN, hash, true);
        long teacher1 = roster.createUser(school, p + ".t1", "一班老师", Role.TEACHER, hash, true);
        long teacher2 = roster.createUser(school, p + ".t2", "二班老师", Role.TEACHER, hash, true);
        long student1 = roster.createUser(school, p + ".s1", "一班学生", Role.STUDENT, hash, true);
        long student2 = roster.createUser(school, p + ".s2", "二班学生", Role.STUDENT, hash, true);
        long class1 = roster.createClass(school, "初二(1)班", 8);
        long class2 = roster.createClass(school, "初二(2)班", 8);
        long subject = subjects.create(school, "math", "数学").id();
        roster.assign(school, teacher1, class1, subject);
        roster.assign(school, teacher2, class2, subject);
        roster.enrol(school, class1, student1);
        roster.enrol(school, class2, student2);
        long kp1 = knowledgePoints.create(school, new KnowledgePointRequest(subject, "KP-1", "算术平方根", null, "预备知识", 7,
                java.util.List.of())).id();
        long kp2 = knowledgePoints.create(school, new KnowledgePointRequest(subject, "KP-2", "二次根式的概念", null, "二次根式", 8,
                java.util.List.of(kp1))).id();
        long choice = items.create(school, new ItemRequest(subject, "I-1", ItemType.SINGLE_CHOICE, "16 的算术平方根是（　　）",
                java.util.List.of("4", "±4", "−4", "8"), "A", null, BloomLevel.REMEMBER, java.util.List.of(kp1),
                "16 的算术平方根是非负的 4；±4 是 16 的平方根。"));
        long fillIn = items.create(school, new ItemRequest(subject, "I-2", ItemType.FILL_IN, "√9 = ______。",
                null, "3", null, BloomLevel.UNDERSTAND, java.util.List.of(kp1, kp2), null));
        return new School(school, p, admin, teacher1, teacher2, student1, student2, class1, class2, subject,
                kp1, kp2, choice, fillIn);
    }

    /** An open item on the school's first knowledge point: one that only a teacher can mark. */
    public long openItem(School school) {
        return items.create(school.id(), new ItemRequest(school.subject(), "I-OPEN", ItemType.OPEN,
                "为什么 √(a²) 不总等于 a？请说明理由。", null, "当 a < 0 时 √(a²) = −a。", null, BloomLevel.ANALYZE,
                java.util.List.of(school.kp1()), null));
    }

    /** More students in the school's first class; returns their usernames. */
    public java.util.List<String> moreStudents(School school, int count) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = school.prefix() + ".m" + i;
            long id = roster.createUser(school.id(), name, "学生" + i, Role.STUDENT, hash, true);
            roster.enrol(school.id(), school.class1(), id);
            names.add(name);
        }
        return names;
    }

    /**
     * A lesson plan of teacher 1 for class 1, stored as if it had been written and accepted: its
     * 课堂检测 and its 分层作业 (basic, core, extended) name these items of the bank.
     */
    public long lessonPlan(School school, java.util.List<Long> exitTicket, java.util.List<Long> basic,
            java.util.List<Long> core, java.util.List<Long> extended) {
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        java.util.Map<String, Object> request = java.util.Map.of("classId", school.class1(), "subjectId", school.subject(),
                "topic", "二次根式", "kpIds", java.util.List.of(school.kp1()), "lessonType", "新授课", "duration", 45);
        long id = io.xueban.system.Db.insert(jdbc, """
                        INSERT INTO lesson_plan (school_id, teacher_id, class_id, subject_id, status, request, request_hash,
                            context, current_version, accepted_version, created_at, updated_at)
                        VALUES (?, ?, ?, ?, 'ACCEPTED', ?, 'test', ?, 1, 1, ?, ?)""",
                school.id(), school.teacher1(), school.class1(), school.subject(), json.writeValueAsString(request),
                json.writeValueAsString(java.util.Map.ofEntries(java.util.Map.entry("className", "一班"),
                        java.util.Map.entry("grade", 8), java.util.Map.entry("subjectName", "数学"),
                        java.util.Map.entry("topic", "二次根式"), java.util.Map.entry("lessonType", "新授课"),
                        java.util.Map.entry("duration", 45), java.util.Map.entry("knowledgePoints", java.util.List.of()),
                        java.util.Map.entry("students", 0), java.util.Map.entry("figures", java.util.List.of()),
                        java.util.Map.entry("tiers", java.util.List.of()), java.util.Map.entry("sources", java.util.List.of()),
                        java.util.Map.entry("items", java.util.List.of()), java.util.Map.entry("sourcesPrompt", ""))),
                now, now);
        java.util.Map<String, Object> draft = new java.util.LinkedHashMap<>();
        draft.put("title", "二次根式（第一课时）");
        draft.put("objectives", java.util.List.of(java.util.Map.of("text", "理解算术平方根", "kpIds",
                java.util.List.of(school.kp1()))));
        draft.put("keyPoints", java.util.List.of("算术平方根的意义"));
        draft.put("difficulties", java.util.List.of("算术平方根的非负性"));
        draft.put("learnerAnalysis", "本班学生已学过平方运算。");
        draft.put("preparation", java.util.List.of());
        draft.put("process", java.util.List.of(java.util.Map.of("name", "新授", "minutes", 45, "teacherActivities", "讲解",
                "studentActivities", "练习", "intent", "理解概念")));
        draft.put("boardDesign", "√a ≥ 0");
        draft.put("exitTicket", java.util.Map.of("itemIds", exitTicket, "newItems", java.util.List.of()));
        draft.put("homework", java.util.Map.of(
                "basic", java.util.Map.of("tasks", java.util.List.of("完成课本练习"), "itemIds", basic),
                "core", java.util.Map.of("tasks", java.util.List.of("完成练习册"), "itemIds", core),
                "extended", java.util.Map.of("tasks", java.util.List.of("完成拓展题"), "itemIds", extended)));
        draft.put("references", java.util.List.of());
        jdbc.sql("""
                        INSERT INTO lesson_plan_version (plan_id, version, source, content, flags, created_by, created_at)
                        VALUES (?, 1, 'GENERATED', ?, '[]', ?, ?)""")
                .params(id, json.writeValueAsString(draft), school.teacher1(), now).update();
        return id;
    }

    /** A bearer token for a user (password {@link #PASSWORD}), fetched once through the API. */
    public String token(String username) {
        return token(username, PASSWORD);
    }

    /** A bearer header for an account of the demo school (the password the README publishes). */
    public String demoBearer(String username) {
        return "Bearer " + token(username, DEMO_PASSWORD);
    }

    private String token(String username, String password) {
        return tokens.computeIfAbsent(username, name -> {
            try {
                String body = json.writeValueAsString(Map.of("username", name, "password", password));
                String response = mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON).content(body))
                        .andExpect(status().isCreated())
                        .andReturn().getResponse().getContentAsString();
                return json.readTree(response).get("token").asString();
            } catch (Exception e) {
                throw new IllegalStateException("Could not get a token for " + name, e);
            }
        });
    }

    public String bearer(String username) {
        return "Bearer " + token(username);
    }

    public record School(long id, String prefix, long admin, long teacher1, long teacher2, long student1, long student2,
                         long class1, long class2, long subject, long kp1, long kp2, long choiceItem, long fillInItem) {

        public String adminName() {
            return prefix + ".admin";
        }

        public String teacher1Name() {
            return prefix + ".t1";
        }

        public String teacher2Name() {
            return prefix + ".t2";
        }

        public String student1Name() {
            return prefix + ".s1";
        }

        public String student2Name() {
            return prefix + ".s2";
        }
    }
}
