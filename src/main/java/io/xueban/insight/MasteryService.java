package io.xueban.insight;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.system.Db;

/**
 * Per-student, per-knowledge-point mastery under the school's models (whether a point is mastered
 * and the chance of a given item: {@link MasteryTracing}; the student's ability on the item
 * difficulties: {@link PerformanceFactors}). Every recorded
 * answer updates the student's state in the same transaction (constant time per answer; the rows
 * of the students involved are locked while they change). An admin's refit estimates both models
 * from all stored answers and replays every student's history through them.
 */
@Service
public class MasteryService {

    private static final Logger log = LoggerFactory.getLogger(MasteryService.class);
    private static final int IN_LIMIT = 500;

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final Items items;
    private final MasterySettings settings;
    private final Clock clock;
    private final Map<Long, SchoolModel> models = new ConcurrentHashMap<>();
    /** Student states as this instance last wrote them, checked against the database before use. */
    private final Map<Long, StudentState> cache = new ConcurrentHashMap<>();

    /** What a refit did. */
    public record Refit(int students, int responses, int items, int knowledgePoints, long millis) {
    }

    MasteryService(JdbcClient jdbc, JdbcTemplate batch, Items items, MasterySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.items = items;
        this.settings = settings;
        this.clock = clock;
    }

    /** The student under the school's model now: mastery per point, predicted success per item, answers. */
    /**
     * The chance the student has mastered each of these points, as it stands in this transaction
     * (an answer recorded in it counts): cheaper than a {@link #snapshot} when a few points matter.
     */
    public Map<Long, Double> masteryOf(long schoolId, long studentId, Collection<Long> kpIds) {
        SchoolModel model = model(schoolId);
        StudentState state = states(List.of(studentId)).get(studentId);
        Map<Long, Double> mastery = new HashMap<>();
        kpIds.forEach(kp -> mastery.put(kp, state.mastered(model, kp)));
        return mastery;
    }

    public StudentSnapshot snapshot(long schoolId, long studentId) {
        SchoolModel model = model(schoolId);
        StudentState state = states(List.of(studentId)).get(studentId);
        Set<Long> kps = new HashSet<>(model.kpTerms().keySet());
        model.itemKps().values().forEach(kps::addAll);
        Map<Long, StudentSnapshot.KnowledgePointState> points = new HashMap<>();
        for (long kp : kps) {
            int[] c = state.counts.getOrDefault(kp, new int[2]);
            double probability = state.mastered(model, kp);
            points.put(kp, new StudentSnapshot.KnowledgePointState(probability, settings.level(probability, c[0] + c[1]),
                    c[0] + c[1]));
        }
        Map<Long, Double> success = new HashMap<>();
        model.itemKps().forEach((item, itemKps) -> {
            double allMastered = 1;
            for (long kp : itemKps) {
                allMastered *= state.mastered(model, kp);
            }
            success.put(item, model.chancesOfItem(item).right(allMastered));
        });
        List<StudentSnapshot.Answer> answers = jdbc.sql(
                        "SELECT item_id, correct, score, created_at FROM response WHERE student_id = ? ORDER BY created_at, id")
                .param(studentId)
                .query((rs, n) -> new StudentSnapshot.Answer(rs.getLong("item_id"),
                        model.itemKps().getOrDefault(rs.getLong("item_id"), List.of()),
                        isRight(Db.nullableBoolean(rs, "correct"), Db.nullableDouble(rs, "score")),
                        Db.instant(rs, "created_at")))
                .list();
        return new StudentSnapshot(studentId, points, success, answers);
    }

    /** The school's model, loaded once and again when it meets an item it does not know. */
    SchoolModel model(long schoolId) {
        return models.computeIfAbsent(schoolId, this::load);
    }

    private SchoolModel modelKnowing(long schoolId, Set<Long> itemIds) {
        SchoolModel model = model(schoolId);
        if (!model.itemKps().keySet().containsAll(itemIds)) {
            models.remove(schoolId);
            model = model(schoolId);
        }
        return model;
    }

    private SchoolModel load(long schoolId) {
        Map<Long, SchoolModel.Terms> terms = new HashMap<>();
        Map<Long, MasteryTracing.PointParameters> points = new HashMap<>();
        Instant[] fittedAt = {null};
        jdbc.sql("SELECT kp_id, base, success_weight, failure_weight, fitted_at, prior, learn, forget"
                        + " FROM mastery_kp_param WHERE school_id = ?")
                .param(schoolId)
                .query(rs -> {
                    terms.put(rs.getLong(1), new SchoolModel.Terms(rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)));
                    fittedAt[0] = Db.instant(rs, "fitted_at");
                    Double prior = Db.nullableDouble(rs, "prior");
                    if (prior != null) {
                        points.put(rs.getLong(1), new MasteryTracing.PointParameters(prior, rs.getDouble("learn"),
                                rs.getDouble("forget")));
                    }
                });
        Map<Long, Double> difficulty = new HashMap<>();
        Map<Long, MasteryTracing.ItemParameters> chances = new HashMap<>();
        jdbc.sql("SELECT item_id, difficulty, guess, slip FROM mastery_item_param WHERE school_id = ?")
                .param(schoolId)
                .query(rs -> {
                    difficulty.put(rs.getLong(1), rs.getDouble(2));
                    Double guess = Db.nullableDouble(rs, "guess");
                    if (guess != null) {
                        chances.put(rs.getLong(1), new MasteryTracing.ItemParameters(guess, rs.getDouble("slip")));
                    }
                });
        return SchoolModel.of(items.facts(schoolId), terms, difficulty, chances, points, fittedAt[0]);
    }

    /**
     * Updates the students' mastery with answers just stored, in the transaction that stored them,
     * before the listeners that read mastery (paths: order 100).
     */
    @EventListener
    @Order(0)
    void onResponses(ResponsesRecorded recorded) {
        List<NewResponse> responses = new ArrayList<>(recorded.responses());
        responses.sort(Comparator.comparing(NewResponse::answeredAt));
        Set<Long> itemIds = new HashSet<>();
        responses.forEach(response -> itemIds.add(response.itemId()));
        SchoolModel model = modelKnowing(recorded.schoolId(), itemIds);
        TreeSet<Long> students = new TreeSet<>();
        responses.forEach(response -> students.add(response.studentId()));
        Map<Long, StudentState> states = lockAndLoad(recorded.schoolId(), students);
        Map<Long, Set<Long>> touched = new HashMap<>();
        for (NewResponse response : responses) {
            StudentState state = states.get(response.studentId());
            state.observe(model, response.itemId(), isRight(response.correct(), response.score()));
            touched.computeIfAbsent(response.studentId(), s -> new HashSet<>())
                    .addAll(model.itemKps().getOrDefault(response.itemId(), List.of()));
        }
        save(recorded.schoolId(), states, touched);
    }

    static boolean isRight(Boolean correct, Double score) {
        return correct != null ? correct : score != null && score >= 0.5;
    }

    /**
     * The students' states, their rows created if missing and locked (in id order) until commit.
     * A state cached by this instance is used when the locked row shows nobody changed it since;
     * otherwise its counts are read again.
     */
    private Map<Long, StudentState> lockAndLoad(long schoolId, TreeSet<Long> students) {
        Instant now = now();
        Map<Long, StudentState> states = new LinkedHashMap<>();
        for (List<Long> part : parts(new ArrayList<>(students))) {
            List<Long> stale = new ArrayList<>();
            lockRows(part, states, stale);
            List<Long> missing = part.stream().filter(id -> !states.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                // First answers of these students: create their rows (another transaction may race us to it).
                batch.batchUpdate("""
                                INSERT INTO mastery_student (school_id, student_id, ability, precision, answers, updated_at)
                                VALUES (?, ?, 0, ?, 0, ?) ON CONFLICT DO NOTHING""",
                        missing.stream().map(id -> new Object[] {schoolId, id, PerformanceFactors.abilityPrecision(),
                                Db.utc(now)}).toList());
                lockRows(missing, states, stale);
            }
            if (!stale.isEmpty()) {
                loadCounts(stale, states);
            }
        }
        return states;
    }

    /** Locks the students' rows that exist, adding their states (cached when current, else to {@code stale}). */
    private void lockRows(List<Long> ids, Map<Long, StudentState> states, List<Long> stale) {
        jdbc.sql("SELECT student_id, ability, precision, answers, updated_at FROM mastery_student"
                        + " WHERE student_id IN (:ids) ORDER BY student_id FOR UPDATE")
                .param("ids", ids)
                .query(rs -> {
                    long id = rs.getLong(1);
                    StudentState row = new StudentState();
                    row.ability = rs.getDouble(2);
                    row.precision = rs.getDouble(3);
                    row.answers = rs.getInt(4);
                    row.updatedAt = Db.instant(rs, "updated_at");
                    StudentState cached = cache.get(id);
                    if (cached != null && cached.answers == row.answers && cached.ability == row.ability
                            && row.updatedAt.equals(cached.updatedAt)) {
                        states.put(id, cached.copy());
                    } else {
                        states.put(id, row);
                        stale.add(id);
                    }
                });
    }

    /** Database timestamps keep microseconds: so does every time this service writes and compares. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private void save(long schoolId, Map<Long, StudentState> states, Map<Long, Set<Long>> touched) {
        Instant now = now();
        List<Object[]> students = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        states.forEach((id, state) -> {
            students.add(new Object[] {state.ability, state.precision, state.answers, Db.utc(now), id});
            for (long kp : touched.getOrDefault(id, Set.of())) {
                int[] c = state.counts.get(kp);
                double mastered = state.mastered.get(kp);
                if (state.stored.contains(kp)) {
                    updates.add(new Object[] {c[0], c[1], mastered, Db.utc(now), id, kp});
                } else {
                    inserts.add(new Object[] {schoolId, id, kp, c[0], c[1], mastered, Db.utc(now)});
                }
            }
        });
        batch.batchUpdate("UPDATE mastery_student SET ability = ?, precision = ?, answers = ?, updated_at = ? WHERE student_id = ?",
                students);
        batch.batchUpdate("UPDATE mastery SET successes = ?, failures = ?, mastered = ?, updated_at = ?"
                + " WHERE student_id = ? AND kp_id = ?", updates);
        batch.batchUpdate("INSERT INTO mastery (school_id, student_id, kp_id, successes, failures, mastered, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", inserts);
        states.forEach((id, state) -> {
            state.updatedAt = now;
            touched.getOrDefault(id, Set.of()).forEach(state.stored::add);
        });
        Db.afterCommit(() -> cache.putAll(states));
    }

    private static <T> List<List<T>> parts(List<T> all) {
        List<List<T>> parts = new ArrayList<>();
        for (int from = 0; from < all.size(); from += IN_LIMIT) {
            parts.add(all.subList(from, Math.min(all.size(), from + IN_LIMIT)));
        }
        return parts;
    }

    /** Students' current states (those without a row are new: prior ability, no counts). */
    Map<Long, StudentState> states(List<Long> students) {
        Map<Long, StudentState> states = new HashMap<>();
        students.forEach(id -> states.put(id, new StudentState()));
        for (List<Long> part : parts(students)) {
            jdbc.sql("SELECT student_id, ability, precision, answers FROM mastery_student WHERE student_id IN (:ids)")
                    .param("ids", part)
                    .query(rs -> {
                        StudentState state = states.get(rs.getLong(1));
                        state.ability = rs.getDouble(2);
                        state.precision = rs.getDouble(3);
                        state.answers = rs.getInt(4);
                    });
            loadCounts(part, states);
        }
        return states;
    }

    /** The students' right and wrong answers per knowledge point, into their states. */
    private void loadCounts(List<Long> students, Map<Long, StudentState> states) {
        jdbc.sql("SELECT student_id, kp_id, successes, failures, mastered FROM mastery WHERE student_id IN (:ids)")
                .param("ids", students)
                .query(rs -> {
                    StudentState state = states.get(rs.getLong(1));
                    state.counts.put(rs.getLong(2), new int[] {rs.getInt(3), rs.getInt(4)});
                    Double mastered = Db.nullableDouble(rs, "mastered");
                    if (mastered != null) {
                        state.mastered.put(rs.getLong(2), mastered);
                    }
                    state.stored.add(rs.getLong(2));
                });
    }

    /**
     * Fits the school's model to all its stored answers, stores it, and recomputes every
     * student's state by replaying their answers through it.
     */
    @Transactional
    public Refit refit(long schoolId) {
        long start = System.nanoTime();
        List<ItemFacts> facts = items.facts(schoolId);
        Map<Long, Integer> itemIndex = new HashMap<>();
        Map<Long, Integer> kpIndex = new HashMap<>();
        List<Long> kpIds = new ArrayList<>();
        Map<Long, int[]> itemKpIndices = new HashMap<>();
        for (ItemFacts item : facts) {
            itemIndex.put(item.id(), itemIndex.size());
            int[] indices = new int[item.kpIds().size()];
            for (int j = 0; j < indices.length; j++) {
                long kp = item.kpIds().get(j);
                indices[j] = kpIndex.computeIfAbsent(kp, k -> {
                    kpIds.add(k);
                    return kpIds.size() - 1;
                });
            }
            itemKpIndices.put(item.id(), indices);
        }
        Map<Long, List<Attempt>> histories = new LinkedHashMap<>();
        Map<Long, List<long[]>> raw = new LinkedHashMap<>();
        int[] responses = {0};
        jdbc.sql("SELECT student_id, item_id, correct, score FROM response WHERE school_id = ? ORDER BY student_id, created_at, id")
                .param(schoolId)
                .query(rs -> {
                    long item = rs.getLong("item_id");
                    boolean right = isRight(Db.nullableBoolean(rs, "correct"), Db.nullableDouble(rs, "score"));
                    histories.computeIfAbsent(rs.getLong("student_id"), s -> new ArrayList<>())
                            .add(new Attempt(itemIndex.get(item), itemKpIndices.get(item), right));
                    raw.computeIfAbsent(rs.getLong("student_id"), s -> new ArrayList<>()).add(new long[] {item, right ? 1 : 0});
                    responses[0]++;
                });
        PerformanceFactors pfa = new PerformanceFactors();
        pfa.fit(new ArrayList<>(histories.values()), facts.size(), kpIds.size());
        double[] difficulty = pfa.difficulties();
        double[][] terms = pfa.knowledgePointTerms();
        double[] guesses = new double[facts.size()];
        for (ItemFacts item : facts) {
            guesses[itemIndex.get(item.id())] = MasteryTracing.guessBefore(item);
        }
        MasteryTracing tracing = new MasteryTracing(guesses);
        tracing.fit(new ArrayList<>(histories.values()), facts.size(), kpIds.size());

        Instant now = now();
        jdbc.sql("DELETE FROM mastery_kp_param WHERE school_id = ?").param(schoolId).update();
        jdbc.sql("DELETE FROM mastery_item_param WHERE school_id = ?").param(schoolId).update();
        List<Object[]> kpRows = new ArrayList<>();
        Map<Long, SchoolModel.Terms> fittedTerms = new HashMap<>();
        Map<Long, MasteryTracing.PointParameters> fittedPoints = new HashMap<>();
        for (int k = 0; k < kpIds.size(); k++) {
            MasteryTracing.PointParameters point = tracing.point(k);
            kpRows.add(new Object[] {schoolId, kpIds.get(k), terms[0][k], terms[1][k], terms[2][k], point.prior(),
                    point.learn(), point.forget(), Db.utc(now)});
            fittedTerms.put(kpIds.get(k), new SchoolModel.Terms(terms[0][k], terms[1][k], terms[2][k]));
            fittedPoints.put(kpIds.get(k), point);
        }
        batch.batchUpdate("INSERT INTO mastery_kp_param (school_id, kp_id, base, success_weight, failure_weight, prior, learn,"
                + " forget, fitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", kpRows);
        List<Object[]> itemRows = new ArrayList<>();
        Map<Long, Double> fittedDifficulty = new HashMap<>();
        Map<Long, MasteryTracing.ItemParameters> fittedChances = new HashMap<>();
        for (ItemFacts item : facts) {
            double b = difficulty[itemIndex.get(item.id())];
            MasteryTracing.ItemParameters chances = tracing.item(itemIndex.get(item.id()));
            itemRows.add(new Object[] {schoolId, item.id(), b, chances.guess(), chances.slip()});
            fittedDifficulty.put(item.id(), b);
            fittedChances.put(item.id(), chances);
        }
        batch.batchUpdate("INSERT INTO mastery_item_param (school_id, item_id, difficulty, guess, slip) VALUES (?, ?, ?, ?, ?)",
                itemRows);
        SchoolModel model = SchoolModel.of(facts, fittedTerms, fittedDifficulty, fittedChances, fittedPoints, now);

        jdbc.sql("DELETE FROM mastery WHERE school_id = ?").param(schoolId).update();
        jdbc.sql("DELETE FROM mastery_student WHERE school_id = ?").param(schoolId).update();
        List<Object[]> studentRows = new ArrayList<>();
        List<Object[]> countRows = new ArrayList<>();
        raw.forEach((student, answers) -> {
            StudentState state = new StudentState();
            for (long[] answer : answers) {
                state.observe(model, answer[0], answer[1] == 1);
            }
            studentRows.add(new Object[] {schoolId, student, state.ability, state.precision, state.answers, Db.utc(now)});
            state.counts.forEach((kp, c) -> countRows.add(new Object[] {schoolId, student, kp, c[0], c[1],
                    state.mastered.get(kp), Db.utc(now)}));
        });
        batch.batchUpdate("INSERT INTO mastery_student (school_id, student_id, ability, precision, answers, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", studentRows);
        batch.batchUpdate("INSERT INTO mastery (school_id, student_id, kp_id, successes, failures, mastered, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", countRows);
        models.put(schoolId, model);
        Db.afterCommit(cache::clear);
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.info("Mastery model of school {} fitted on {} answers of {} students in {} ms", schoolId, responses[0],
                raw.size(), millis);
        return new Refit(raw.size(), responses[0], facts.size(), kpIds.size(), millis);
    }
}
