package io.xueban.curriculum;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.system.ApiException;
import io.xueban.system.Db;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The item bank: questions with answer keys, tagged to knowledge points. */
@Service
public class Items {

    private static final String COLUMNS =
            "id, school_id, subject_id, code, type, stem, options, answer_key, explanation, difficulty, discrimination, calibration_model,"
            + " bloom_level, created_at, updated_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final KnowledgePoints knowledgePoints;
    private final Subjects subjects;
    private final Clock clock;

    Items(JdbcClient jdbc, JsonMapper json, KnowledgePoints knowledgePoints, Subjects subjects, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.knowledgePoints = knowledgePoints;
        this.subjects = subjects;
        this.clock = clock;
    }

    /** An item by id, for marking answers; the caller checks the school. */
    public Optional<ItemRef> findRef(long id) {
        return jdbc.sql("SELECT id, school_id, code, type, answer_key FROM item WHERE id = ?")
                .param(id)
                .query((rs, n) -> ref(rs))
                .optional();
    }

    /** The school's items with these ids or codes (as written in an import file), keyed as asked. */
    public Map<String, ItemRef> findRefs(long schoolId, Collection<String> idsOrCodes) {
        Map<String, ItemRef> found = new HashMap<>();
        if (idsOrCodes.isEmpty()) {
            return found;
        }
        List<Long> ids = idsOrCodes.stream().filter(s -> s.matches("\\d{1,18}")).map(Long::valueOf).toList();
        jdbc.sql("SELECT id, school_id, code, type, answer_key FROM item WHERE school_id = :school AND (code IN (:codes) OR id IN (:ids))")
                .param("school", schoolId)
                .param("codes", idsOrCodes)
                .param("ids", ids.isEmpty() ? List.of(-1L) : ids)
                .query((rs, n) -> ref(rs))
                .list()
                .forEach(item -> {
                    if (item.code() != null && idsOrCodes.contains(item.code())) {
                        found.put(item.code(), item);
                    }
                    found.putIfAbsent(Long.toString(item.id()), item);
                });
        return found;
    }

    Optional<Item> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM item WHERE id = ?")
                .param(id)
                .query((rs, n) -> item(rs, kpIdsOf(List.of(rs.getLong("id"))).getOrDefault(rs.getLong("id"), List.of())))
                .optional();
    }

    Optional<Long> schoolOf(long id) {
        return jdbc.sql("SELECT school_id FROM item WHERE id = ?").param(id).query(Long.class).optional();
    }

    /** A filter of the item bank; null fields do not filter. Difficulty bounds are on calibrated (or estimated) difficulty. */
    record Filter(Long subjectId, Long kpId, BloomLevel bloomLevel, ItemType type, Double minDifficulty,
            Double maxDifficulty) {
    }

    List<Item> list(long schoolId, Filter filter, int offset, int limit) {
        List<Item> rows = jdbc.sql("SELECT " + COLUMNS + " FROM item WHERE school_id = :school"
                        + " AND (CAST(:subject AS BIGINT) IS NULL OR subject_id = :subject)"
                        + " AND (CAST(:kp AS BIGINT) IS NULL OR id IN (SELECT item_id FROM item_kp WHERE kp_id = :kp))"
                        + " AND (CAST(:bloom AS VARCHAR(16)) IS NULL OR bloom_level = :bloom)"
                        + " AND (CAST(:type AS VARCHAR(16)) IS NULL OR type = :type)"
                        + " AND (CAST(:min AS DOUBLE PRECISION) IS NULL OR difficulty >= :min)"
                        + " AND (CAST(:max AS DOUBLE PRECISION) IS NULL OR difficulty <= :max)"
                        + " ORDER BY id LIMIT :limit OFFSET :offset")
                .param("school", schoolId)
                .param("subject", filter.subjectId())
                .param("kp", filter.kpId())
                .param("bloom", filter.bloomLevel() == null ? null : filter.bloomLevel().name())
                .param("type", filter.type() == null ? null : filter.type().name())
                .param("min", filter.minDifficulty())
                .param("max", filter.maxDifficulty())
                .param("limit", limit)
                .param("offset", offset)
                .query((rs, n) -> item(rs, List.of()))
                .list();
        Map<Long, List<Long>> kps = kpIdsOf(rows.stream().map(Item::id).toList());
        return rows.stream().map(item -> withKps(item, kps.getOrDefault(item.id(), List.of()))).toList();
    }

    /**
     * Stores calibrated parameters of the school's items (those of another school are ignored)
     * and returns how many were stored.
     */
    @Transactional
    public int recordCalibration(long schoolId, String model, Map<Long, ItemParameters> parameters) {
        Instant now = clock.instant();
        int stored = 0;
        for (Map.Entry<Long, ItemParameters> entry : parameters.entrySet()) {
            stored += jdbc.sql("""
                            UPDATE item SET difficulty = ?, discrimination = ?, calibration_model = ?, calibrated_at = ?
                            WHERE id = ? AND school_id = ?""")
                    .params(entry.getValue().difficulty(), entry.getValue().discrimination(), model, Db.utc(now),
                            entry.getKey(), schoolId)
                    .update();
        }
        return stored;
    }

    /** One of the school's items with its content and knowledge points; empty for another school's. */
    public Optional<ItemFacts> findFacts(long schoolId, long id) {
        return factsOf(schoolId, List.of(id)).values().stream().findFirst();
    }

    /** These items of the school (others are left out), keyed by id in the order asked: two queries for any number. */
    public Map<Long, ItemFacts> factsOf(long schoolId, Collection<Long> ids) {
        Map<Long, ItemFacts> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        Map<Long, Item> rows = new HashMap<>();
        jdbc.sql("SELECT " + COLUMNS + " FROM item WHERE school_id = :school AND id IN (:ids)")
                .param("school", schoolId).param("ids", List.copyOf(new LinkedHashSet<>(ids)))
                .query((rs, n) -> item(rs, List.of())).list().forEach(item -> rows.put(item.id(), item));
        Map<Long, List<Long>> kps = kpIdsOf(List.copyOf(rows.keySet()));
        for (long id : ids) {
            Item item = rows.get(id);
            if (item != null) {
                found.put(id, new ItemFacts(item.id(), item.subjectId(), item.code(), item.type(), item.stem(),
                        item.options(), item.answerKey(), item.explanation(), kps.getOrDefault(id, List.of()),
                        item.bloomLevel(), item.difficulty()));
            }
        }
        return found;
    }

    /** The item as something to mark answers against. */
    public static ItemRef ref(long schoolId, ItemFacts item) {
        return new ItemRef(item.id(), schoolId, item.code(), item.type(), item.answerKey());
    }

    /** Every item of the school with what the mastery models need to know about it. */
    public List<ItemFacts> facts(long schoolId) {
        List<ItemFacts> rows = jdbc.sql("SELECT " + COLUMNS + " FROM item WHERE school_id = ? ORDER BY id")
                .param(schoolId)
                .query((rs, n) -> {
                    Item item = item(rs, List.of());
                    return new ItemFacts(item.id(), item.subjectId(), item.code(), item.type(), item.stem(), item.options(),
                            item.answerKey(), item.explanation(), List.of(), item.bloomLevel(), item.difficulty());
                })
                .list();
        Map<Long, List<Long>> kps = new HashMap<>();
        jdbc.sql("SELECT item_id, kp_id FROM item_kp WHERE school_id = ? ORDER BY item_id, kp_id")
                .param(schoolId)
                .query(rs -> {
                    kps.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(rs.getLong(2));
                });
        return rows.stream()
                .map(f -> new ItemFacts(f.id(), f.subjectId(), f.code(), f.type(), f.stem(), f.options(), f.answerKey(),
                        f.explanation(), List.copyOf(kps.getOrDefault(f.id(), List.of())), f.bloomLevel(), f.difficulty()))
                .toList();
    }

    /** Adds an item to the school's bank and returns its id. */
    @Transactional
    public long create(long schoolId, ItemRequest request) {
        checkConsistent(schoolId, request, null);
        Instant now = clock.instant();
        long id = Db.insert(jdbc, """
                        INSERT INTO item (school_id, subject_id, code, type, stem, options, answer_key, explanation,
                                          difficulty, bloom_level, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                schoolId, request.subjectId(), request.code(), request.type().name(), request.stem(),
                optionsJson(request), normalizedKey(request), explanation(request), request.difficulty(),
                request.bloomLevel().name(),
                Db.utc(now), Db.utc(now));
        tag(schoolId, id, request.kpIds());
        return id;
    }

    @Transactional
    Item update(long schoolId, long id, ItemRequest request) {
        checkConsistent(schoolId, request, id);
        jdbc.sql("""
                        UPDATE item SET subject_id = ?, code = ?, type = ?, stem = ?, options = ?, answer_key = ?,
                                        explanation = ?, bloom_level = ?, updated_at = ?,
                                        calibration_model = CASE WHEN difficulty = ? THEN calibration_model END,
                                        discrimination = CASE WHEN difficulty = ? THEN discrimination END,
                                        difficulty = ?
                        WHERE id = ? AND school_id = ?""")
                .params(request.subjectId(), request.code(), request.type().name(), request.stem(),
                        optionsJson(request), normalizedKey(request), explanation(request), request.bloomLevel().name(),
                        Db.utc(clock.instant()), request.difficulty(), request.difficulty(), request.difficulty(), id,
                        schoolId)
                .update();
        jdbc.sql("DELETE FROM item_kp WHERE item_id = ?").param(id).update();
        tag(schoolId, id, request.kpIds());
        return find(id).orElseThrow();
    }

    @Transactional
    void delete(long schoolId, long id) {
        try {
            jdbc.sql("DELETE FROM item WHERE id = ? AND school_id = ?").params(id, schoolId).update();
        } catch (DataIntegrityViolationException e) {
            throw ApiException.conflict("item-in-use", id);
        }
    }

    /** Rules between fields: options and key fit the type, codes are unique, KPs exist. */
    private void checkConsistent(long schoolId, ItemRequest request, Long exceptId) {
        subjects.require(schoolId, request.subjectId());
        List<String> options = request.options() == null ? List.of() : request.options();
        if (request.type().isChoice()) {
            if (options.size() < 2) {
                throw ApiException.badRequest("item-needs-options");
            }
            String letters = ItemRef.letters(request.answerKey());
            boolean validLetters = !letters.isEmpty()
                    && letters.chars().allMatch(c -> c >= 'A' && c < 'A' + options.size())
                    && ItemRef.normalize(request.answerKey()).replaceAll("[,，、;；]", "").length() == letters.length();
            if (!validLetters || (request.type() == ItemType.SINGLE_CHOICE && letters.length() != 1)) {
                throw ApiException.badRequest("item-bad-choice-key", request.answerKey(),
                        (char) ('A' + options.size() - 1));
            }
        } else if (!options.isEmpty()) {
            throw ApiException.badRequest("item-unexpected-options", request.type());
        }
        if (request.code() != null && jdbc.sql(
                        "SELECT COUNT(*) FROM item WHERE school_id = ? AND code = ? AND (CAST(? AS BIGINT) IS NULL OR id <> ?)")
                .params(schoolId, request.code(), exceptId, exceptId).query(Integer.class).single() > 0) {
            throw ApiException.conflict("code-taken", request.code());
        }
        LinkedHashSet<Long> wanted = new LinkedHashSet<>(request.kpIds());
        List<Long> known = knowledgePoints.existing(schoolId, wanted);
        for (long kp : wanted) {
            if (!known.contains(kp)) {
                throw ApiException.badRequest("unknown-knowledge-point", kp);
            }
        }
    }

    private String normalizedKey(ItemRequest request) {
        return request.type().isChoice() ? ItemRef.letters(request.answerKey()) : request.answerKey().strip();
    }

    private static String explanation(ItemRequest request) {
        return request.explanation() == null || request.explanation().isBlank() ? null : request.explanation().strip();
    }

    private void tag(long schoolId, long itemId, List<Long> kpIds) {
        for (long kp : new LinkedHashSet<>(kpIds)) {
            jdbc.sql("INSERT INTO item_kp (school_id, item_id, kp_id) VALUES (?, ?, ?)")
                    .params(schoolId, itemId, kp).update();
        }
    }

    private String optionsJson(ItemRequest request) {
        return request.type().isChoice() ? json.writeValueAsString(request.options()) : null;
    }

    private Map<Long, List<Long>> kpIdsOf(List<Long> itemIds) {
        Map<Long, List<Long>> kps = new HashMap<>();
        if (itemIds.isEmpty()) {
            return kps;
        }
        jdbc.sql("SELECT item_id, kp_id FROM item_kp WHERE item_id IN (:ids) ORDER BY kp_id")
                .param("ids", itemIds)
                .query((rs, n) -> Map.entry(rs.getLong("item_id"), rs.getLong("kp_id")))
                .list()
                .forEach(e -> kps.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return kps;
    }

    private Item item(ResultSet rs, List<Long> kpIds) throws SQLException {
        String options = rs.getString("options");
        return new Item(rs.getLong("id"), rs.getLong("subject_id"), rs.getString("code"),
                ItemType.valueOf(rs.getString("type")), rs.getString("stem"),
                options == null ? null : json.readValue(options, new TypeReference<List<String>>() { }),
                rs.getString("answer_key"), rs.getString("explanation"), Db.nullableDouble(rs, "difficulty"),
                Db.nullableDouble(rs, "discrimination"), rs.getString("calibration_model"),
                BloomLevel.valueOf(rs.getString("bloom_level")), kpIds,
                Db.instant(rs, "created_at"), Db.instant(rs, "updated_at"));
    }

    private static Item withKps(Item item, List<Long> kpIds) {
        return new Item(item.id(), item.subjectId(), item.code(), item.type(), item.stem(), item.options(),
                item.answerKey(), item.explanation(), item.difficulty(), item.discrimination(), item.calibrationModel(),
                item.bloomLevel(), kpIds, item.createdAt(), item.updatedAt());
    }

    private ItemRef ref(ResultSet rs) throws SQLException {
        return new ItemRef(rs.getLong("id"), rs.getLong("school_id"), rs.getString("code"),
                ItemType.valueOf(rs.getString("type")), rs.getString("answer_key"));
    }
}
