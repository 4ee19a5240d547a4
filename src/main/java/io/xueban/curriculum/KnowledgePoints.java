package io.xueban.curriculum;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * Knowledge points and the prerequisite graph between them, one school at a time. A school's
 * points and graph are read once and kept until they change (every message of the study buddy
 * and every path asks for them); another instance's edit shows within {@link #TTL}.
 */
@Service
public class KnowledgePoints {

    static final Duration TTL = Duration.ofSeconds(60);
    private static final String COLUMNS = "id, school_id, subject_id, code, name, description, unit, grade";

    private final JdbcClient jdbc;
    private final Subjects subjects;
    private final Cache<Long, List<KnowledgePoint>> bySchool = Caffeine.newBuilder()
            .maximumSize(1_000).expireAfterWrite(TTL).build();

    KnowledgePoints(JdbcClient jdbc, Subjects subjects) {
        this.jdbc = jdbc;
        this.subjects = subjects;
    }

    public Optional<KnowledgePoint> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM knowledge_point WHERE id = ?")
                .param(id)
                .query((rs, n) -> row(rs, prerequisitesOf(rs.getLong("id"))))
                .optional();
    }

    /** The school's knowledge points (of one subject, unless null) with their prerequisites, by id. */
    public List<KnowledgePoint> list(long schoolId, Long subjectId) {
        List<KnowledgePoint> all = bySchool.get(schoolId, this::read);
        return subjectId == null ? all : all.stream().filter(kp -> kp.subjectId() == subjectId).toList();
    }

    private List<KnowledgePoint> read(long schoolId) {
        Map<Long, List<Long>> needs = new HashMap<>();
        edges(schoolId).forEach(edge -> needs.computeIfAbsent(edge.kpId(), k -> new ArrayList<>()).add(edge.prerequisiteId()));
        needs.values().forEach(Collections::sort);
        return List.copyOf(jdbc.sql("SELECT " + COLUMNS + " FROM knowledge_point WHERE school_id = ? ORDER BY id")
                .param(schoolId)
                .query((rs, n) -> row(rs, needs.getOrDefault(rs.getLong("id"), List.of())))
                .list());
    }

    /** Drops the school's points now and again once the edit commits, so no reader keeps what it replaced. */
    private void changed(long schoolId) {
        bySchool.invalidate(schoolId);
        Db.afterCommit(() -> bySchool.invalidate(schoolId));
    }

    /** Ids of the school's knowledge points among the given ones. */
    public List<Long> existing(long schoolId, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT id FROM knowledge_point WHERE school_id = :school AND id IN (:ids)")
                .param("school", schoolId)
                .param("ids", ids)
                .query(Long.class)
                .list();
    }

    List<PrerequisiteGraph.Edge> edges(long schoolId) {
        return jdbc.sql("SELECT kp_id, prerequisite_id FROM kp_prerequisite WHERE school_id = ?")
                .param(schoolId)
                .query((rs, n) -> new PrerequisiteGraph.Edge(rs.getLong("kp_id"), rs.getLong("prerequisite_id")))
                .list();
    }

    @Transactional
    public KnowledgePoint create(long schoolId, KnowledgePointRequest request) {
        subjects.require(schoolId, request.subjectId());
        lockGraph(schoolId);
        if (codeTaken(schoolId, request.code(), null)) {
            throw ApiException.conflict("code-taken", request.code());
        }
        long id = Db.insert(jdbc, """
                        INSERT INTO knowledge_point (school_id, subject_id, code, name, description, unit, grade)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""",
                schoolId, request.subjectId(), request.code(), request.name(), request.description(),
                request.unit(), request.grade());
        replacePrerequisites(schoolId, id, request.prerequisiteIdsOrEmpty());
        changed(schoolId);
        return find(id).orElseThrow();
    }

    @Transactional
    KnowledgePoint update(long schoolId, long id, KnowledgePointRequest request) {
        subjects.require(schoolId, request.subjectId());
        lockGraph(schoolId);
        if (codeTaken(schoolId, request.code(), id)) {
            throw ApiException.conflict("code-taken", request.code());
        }
        jdbc.sql("""
                        UPDATE knowledge_point SET subject_id = ?, code = ?, name = ?, description = ?, unit = ?, grade = ?
                        WHERE id = ? AND school_id = ?""")
                .params(request.subjectId(), request.code(), request.name(), request.description(),
                        request.unit(), request.grade(), id, schoolId)
                .update();
        replacePrerequisites(schoolId, id, request.prerequisiteIdsOrEmpty());
        changed(schoolId);
        return find(id).orElseThrow();
    }

    @Transactional
    void delete(long schoolId, long id) {
        lockGraph(schoolId);
        changed(schoolId);
        try {
            jdbc.sql("DELETE FROM knowledge_point WHERE id = ? AND school_id = ?").params(id, schoolId).update();
        } catch (DataIntegrityViolationException e) {
            throw ApiException.conflict("knowledge-point-in-use", id);
        }
    }

    /** Sets the prerequisites of a knowledge point, rejecting unknown ids and any cycle. */
    private void replacePrerequisites(long schoolId, long kpId, List<Long> prerequisiteIds) {
        LinkedHashSet<Long> wanted = new LinkedHashSet<>(prerequisiteIds);
        List<Long> known = existing(schoolId, wanted);
        for (long prerequisite : wanted) {
            if (!known.contains(prerequisite)) {
                throw ApiException.badRequest("unknown-prerequisite", prerequisite);
            }
        }
        PrerequisiteGraph graph = new PrerequisiteGraph(edges(schoolId));
        graph.removeAllOf(kpId);
        for (long prerequisite : wanted) {
            Optional<List<Long>> cycle = graph.cycleIfAdded(kpId, prerequisite);
            if (cycle.isPresent()) {
                String path = describe(schoolId, cycle.get());
                throw ApiException.badRequest("prerequisite-cycle", path).with("cycle", cycle.get());
            }
            graph.add(kpId, prerequisite);
        }
        jdbc.sql("DELETE FROM kp_prerequisite WHERE kp_id = ?").param(kpId).update();
        for (long prerequisite : wanted) {
            jdbc.sql("INSERT INTO kp_prerequisite (school_id, kp_id, prerequisite_id) VALUES (?, ?, ?)")
                    .params(schoolId, kpId, prerequisite)
                    .update();
        }
    }

    /** "勾股定理 (M8-PY-1) → ..." for a cycle of ids. */
    private String describe(long schoolId, List<Long> cycle) {
        Map<Long, String> names = jdbc.sql("SELECT id, code, name FROM knowledge_point WHERE school_id = :school AND id IN (:ids)")
                .param("school", schoolId)
                .param("ids", new LinkedHashSet<>(cycle))
                .query((rs, n) -> Map.entry(rs.getLong("id"), rs.getString("name") + " (" + rs.getString("code") + ")"))
                .list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return cycle.stream().map(id -> names.getOrDefault(id, "#" + id)).collect(Collectors.joining(" → "));
    }

    /** Graph edits of one school run one at a time, so two concurrent edits cannot close a cycle. */
    private void lockGraph(long schoolId) {
        jdbc.sql("SELECT id FROM school WHERE id = ? FOR UPDATE").param(schoolId).query(Long.class).single();
    }

    private boolean codeTaken(long schoolId, String code, Long exceptId) {
        return jdbc.sql("SELECT COUNT(*) FROM knowledge_point WHERE school_id = ? AND code = ? AND (CAST(? AS BIGINT) IS NULL OR id <> ?)")
                .params(schoolId, code, exceptId, exceptId)
                .query(Integer.class).single() > 0;
    }

    private List<Long> prerequisitesOf(long kpId) {
        return jdbc.sql("SELECT prerequisite_id FROM kp_prerequisite WHERE kp_id = ? ORDER BY prerequisite_id")
                .param(kpId).query(Long.class).list();
    }

    private static KnowledgePoint row(java.sql.ResultSet rs, List<Long> prerequisites) throws java.sql.SQLException {
        return new KnowledgePoint(rs.getLong("id"), rs.getLong("school_id"), rs.getLong("subject_id"),
                rs.getString("code"), rs.getString("name"), rs.getString("description"), rs.getString("unit"),
                (Integer) rs.getObject("grade", Integer.class), List.copyOf(prerequisites));
    }
}
