package io.xueban.path;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.xueban.insight.NewResponse;
import io.xueban.insight.ResponsesRecorded;

/**
 * Re-plans a student's path whenever something it depends on changes — a new answer, a goal, a
 * teacher's decision — and records it when it changed. Runs in the transaction of the change,
 * after the mastery update (so an answer, its mastery and its path commit together), within a
 * savepoint: a path that cannot be recorded is rolled back alone and never undoes the answer that
 * caused it. It uses the change's own connection: a second connection per answer would let a
 * burst of answers take every connection of the pool and wait on each other.
 */
@Service
class PathUpdates {

    private static final Logger log = LoggerFactory.getLogger(PathUpdates.class);

    private final LearningPaths paths;
    private final PathRecords records;
    private final TransactionTemplate transaction;

    PathUpdates(LearningPaths paths, PathRecords records, PlatformTransactionManager transactions) {
        this.paths = paths;
        this.records = records;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /** After {@code MasteryService}'s listener (order 0), which updates the states the path is planned from. */
    @EventListener
    @Order(100)
    void onResponses(ResponsesRecorded recorded) {
        Map<Long, Set<Long>> subjectsByStudent = new HashMap<>();
        for (NewResponse response : recorded.responses()) {
            paths.subjectOfItem(recorded.schoolId(), response.itemId()).ifPresent(subject ->
                    subjectsByStudent.computeIfAbsent(response.studentId(), s -> new TreeSet<>()).add(subject));
        }
        subjectsByStudent.forEach((student, subjects) ->
                replan(recorded.schoolId(), Set.of(student), subjects, PathRecords.Cause.RESPONSE));
    }

    /** Re-plans the students' paths in the subjects of these points (a goal or a decision about them changed). */
    void replanForPoints(long schoolId, Collection<Long> studentIds, Collection<Long> kpIds, PathRecords.Cause cause) {
        replan(schoolId, studentIds, paths.subjectsOfPoints(schoolId, kpIds), cause);
    }

    private void replan(long schoolId, Collection<Long> studentIds, Collection<Long> subjectIds, PathRecords.Cause cause) {
        for (long student : studentIds) {
            for (long subject : subjectIds) {
                try {
                    transaction.executeWithoutResult(status ->
                            records.record(schoolId, paths.pathFor(schoolId, student, subject), cause));
                } catch (RuntimeException e) {
                    // The change that caused it stands; the path is planned afresh when next asked for.
                    log.warn("Could not record the path of student {} in subject {}", student, subject, e);
                }
            }
        }
    }
}
