package io.xueban.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.curriculum.ItemRequest;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePointRequest;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.curriculum.Subjects;
import io.xueban.insight.MasteryService;
import io.xueban.insight.NewResponse;
import io.xueban.insight.ResponseSource;
import io.xueban.insight.Responses;
import io.xueban.school.Roster;
import io.xueban.security.Role;

/**
 * The demo school 学伴实验中学: a grade-8 maths unit (二次根式, 勾股定理), one admin, three teachers,
 * three classes of forty students and a simulated term of homework ({@link MasterySimulation}: what
 * each student truly mastered is stored beside the answers it led to). Loaded through the same
 * services the API uses, in one transaction.
 */
@Service
public class DemoSchool {

    static final String SCHOOL_CODE = "demo";
    static final String PASSWORD = "xueban2026";
    static final String ADMIN = "admin";
    static final List<String> TEACHERS = List.of("wang.laoshi", "li.laoshi", "zhang.laoshi");
    static final int STUDENTS_PER_CLASS = 40;

    private static final List<String> TEACHER_NAMES = List.of("王老师", "李老师", "张老师");
    private static final List<String> CLASS_NAMES = List.of("初二(1)班", "初二(2)班", "初二(3)班");
    /** Mean aptitude per class, so the three classes differ as real ones do. */
    private static final double[] CLASS_MEANS = {0.0, -0.3, 0.35};
    /** A Monday, 08:00 in Beijing. */
    private static final Instant TERM_START = OffsetDateTime.parse("2026-09-07T08:00:00+08:00").toInstant();
    /** Nine weeks of teaching the unit's 34 points and a review week: a term's first half. */
    static final int POINTS_PER_WEEK = 4;

    private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔向汤";
    private static final String GIVEN = "子涵欣怡梓轩浩宇雨桐思睿一诺博文佳琪俊杰嘉晨阳明哲雅静天佑若曦泽楷诗雯家豪可馨书瑶志远宏伟婉清逸凡墨晓辰昊然奕萱铭洋";

    private final Roster roster;
    private final Subjects subjects;
    private final KnowledgePoints knowledgePoints;
    private final Items items;
    private final Responses responses;
    private final PasswordEncoder passwords;
    private final JdbcTemplate jdbc;
    private final DemoSettings settings;
    private final DemoLibrary library;
    private final MasteryService mastery;

    DemoSchool(Roster roster, Subjects subjects, KnowledgePoints knowledgePoints, Items items, Responses responses,
               PasswordEncoder passwords, JdbcTemplate jdbc, DemoSettings settings,
               DemoLibrary library, MasteryService mastery) {
        this.roster = roster;
        this.subjects = subjects;
        this.knowledgePoints = knowledgePoints;
        this.items = items;
        this.responses = responses;
        this.passwords = passwords;
        this.jdbc = jdbc;
        this.settings = settings;
        this.library = library;
        this.mastery = mastery;
    }

    /** Loads the demo school unless it is there already; returns what was loaded. */
    @Transactional
    public Summary load() {
        return load(SCHOOL_CODE, "学伴实验中学", "", settings.seed());
    }

    /**
     * Loads a copy of the demo school under another code, its usernames prefixed and its term
     * simulated from another seed, unless it is there already: for checks that add students of
     * their own and must leave the demo school as it is.
     */
    @Transactional
    public Summary load(String code, String name, String usernamePrefix, long seed) {
        if (roster.schoolByCode(code).isPresent()) {
            return null;
        }
        DemoUnit unit = DemoUnit.load();
        DemoCurriculum curriculum = unit.curriculum();
        long school = roster.createSchool(code, name);
        // Every demo account has the same published password, so one (deliberately slow) hash serves all.
        String hash = passwords.encode(PASSWORD);

        long admin = roster.createUser(school, usernamePrefix + ADMIN, "教务处管理员", Role.ADMIN, hash, true);
        long subject = subjects.create(school, curriculum.subject().code(), curriculum.subject().name()).id();
        Map<String, Long> kpIds = loadKnowledgePoints(school, subject, curriculum.knowledgePoints());
        int documents = library.load(school, admin, subject);
        Map<String, Long> itemIds = new HashMap<>();
        for (DemoCurriculum.ItemEntry item : teachingOrder(curriculum, kpIds)) {
            itemIds.put(item.code(), items.create(school, new ItemRequest(subject, item.code(), item.type(), item.stem(),
                    item.type().isChoice() ? item.options() : null, item.answer(), null, item.bloom(),
                    item.kps().stream().map(kpIds::get).toList(), item.explanation())));
        }

        MasterySimulation simulation = new MasterySimulation(unit.points(), unit.items(), 8, POINTS_PER_WEEK, seed);
        Random random = new Random(seed + 1);
        List<NewResponse> history = new ArrayList<>();
        List<Object[]> truth = new ArrayList<>();
        List<Object[]> mastered = new ArrayList<>();
        for (DemoCurriculum.ItemEntry item : curriculum.items()) {
            truth.add(new Object[] {school, "ITEM", itemIds.get(item.code()), "difficulty", item.difficulty()});
            truth.add(new Object[] {school, "ITEM", itemIds.get(item.code()), "discrimination", item.discrimination()});
        }
        for (int c = 0; c < CLASS_NAMES.size(); c++) {
            long classId = roster.createClass(school, CLASS_NAMES.get(c), 8);
            long teacher = roster.createUser(school, usernamePrefix + TEACHERS.get(c), TEACHER_NAMES.get(c), Role.TEACHER,
                    hash, true);
            roster.assign(school, teacher, classId, subject);
            for (int s = 1; s <= STUDENTS_PER_CLASS; s++) {
                String username = usernamePrefix + "s08%02d%02d".formatted(c + 1, s);
                long student = roster.createUser(school, username, chineseName(random), Role.STUDENT, hash, true);
                roster.enrol(school, classId, student);
                MasterySimulation.Student term = simulation.student(CLASS_MEANS[c], unit.teachingOrder(), 3, 6);
                truth.add(new Object[] {school, "STUDENT", student, "ability", term.aptitude()});
                for (int k = 0; k < unit.points().size(); k++) {
                    mastered.add(new Object[] {school, student, kpIds.get(unit.pointCode(k)), term.masteredAtEnd()[k]});
                }
                Instant previous = null;
                for (MasterySimulation.Answer answer : term.answers()) {
                    DemoCurriculum.ItemEntry item = curriculum.items().get(answer.item());
                    // Homework after school on the day of the lesson, in the order the simulation answered it.
                    Instant at = TERM_START.plus(Duration.ofDays(7L * answer.week() + answer.day()))
                            .plus(Duration.ofHours(10)).plus(Duration.ofSeconds(random.nextInt(600)));
                    if (previous != null && !at.isAfter(previous)) {
                        at = previous.plus(Duration.ofSeconds(120 + random.nextInt(300)));
                    }
                    previous = at;
                    history.add(new NewResponse(school, student, itemIds.get(item.code()), answer.correct(),
                            answer.correct() ? 1.0 : 0.0, answerText(item, answer),
                            timeTaken(item.type(), answer.correct(), random), ResponseSource.SIMULATED, at));
                }
            }
        }
        history.sort(Comparator.comparing(NewResponse::answeredAt));
        responses.recordAll(history);
        // The mastery model learns the school's items and knowledge points from the simulated term.
        mastery.refit(school);
        jdbc.batchUpdate("INSERT INTO simulation_truth (school_id, kind, ref_id, param_name, param_value) VALUES (?, ?, ?, ?, ?)",
                truth);
        jdbc.batchUpdate("INSERT INTO simulation_mastery (school_id, student_id, kp_id, mastered) VALUES (?, ?, ?, ?)",
                mastered);
        return new Summary(kpIds.size(), itemIds.size(), CLASS_NAMES.size(), CLASS_NAMES.size() * STUDENTS_PER_CLASS,
                history.size(), documents);
    }

    /** Creates knowledge points prerequisites first, whatever the order in the file. */
    private Map<String, Long> loadKnowledgePoints(long school, long subject, List<DemoCurriculum.KpEntry> entries) {
        Map<String, Long> ids = new LinkedHashMap<>();
        List<DemoCurriculum.KpEntry> pending = new ArrayList<>(entries);
        while (!pending.isEmpty()) {
            int before = pending.size();
            pending.removeIf(kp -> {
                if (!ids.keySet().containsAll(kp.prerequisites())) {
                    return false;
                }
                ids.put(kp.code(), knowledgePoints.create(school, new KnowledgePointRequest(subject, kp.code(), kp.name(),
                        kp.description(), kp.unit(), kp.grade(), kp.prerequisites().stream().map(ids::get).toList())).id());
                return true;
            });
            if (pending.size() == before) {
                throw new IllegalStateException("demo/curriculum.json: unknown or cyclic prerequisites in " + pending);
            }
        }
        return ids;
    }

    /** Items in the order the unit teaches them: by their first knowledge point, then by code. */
    private static List<DemoCurriculum.ItemEntry> teachingOrder(DemoCurriculum curriculum, Map<String, Long> kpIds) {
        List<String> kpOrder = List.copyOf(kpIds.keySet());
        return curriculum.items().stream()
                .sorted(Comparator.comparingInt((DemoCurriculum.ItemEntry item) -> item.kps().stream()
                                .mapToInt(kpOrder::indexOf).max().orElse(0))
                        .thenComparing(DemoCurriculum.ItemEntry::code))
                .toList();
    }

    /** What the student wrote: the option they chose, the key when right, nothing for a wrong blank or an open answer. */
    private static String answerText(DemoCurriculum.ItemEntry item, MasterySimulation.Answer answer) {
        return switch (item.type()) {
            case SINGLE_CHOICE -> Character.toString('A' + answer.option());
            case MULTIPLE_CHOICE -> answer.correct() ? item.answer() : null;
            case FILL_IN -> answer.correct() ? item.answer().split("\\|")[0] : null;
            case OPEN -> null;
        };
    }

    /** Log-normal around a typical time for the item type; wrong answers take a little longer. */
    private static long timeTaken(ItemType type, boolean correct, Random random) {
        double typicalSeconds = switch (type) {
            case SINGLE_CHOICE -> 45;
            case MULTIPLE_CHOICE -> 75;
            case FILL_IN -> 90;
            case OPEN -> 300;
        };
        return Math.round(1000 * typicalSeconds * (correct ? 1.0 : 1.3) * Math.exp(0.4 * random.nextGaussian()));
    }

    private static String chineseName(Random random) {
        StringBuilder name = new StringBuilder().append(SURNAMES.charAt(random.nextInt(SURNAMES.length())));
        int length = random.nextInt(3) == 0 ? 1 : 2;
        for (int i = 0; i < length; i++) {
            name.append(GIVEN.charAt(random.nextInt(GIVEN.length())));
        }
        return name.toString();
    }

    /** What a load created. */
    public record Summary(int knowledgePoints, int items, int classes, int students, int responses, int documents) {
    }
}
