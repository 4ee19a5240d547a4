package io.xueban.lessonplan;

import java.util.List;

import org.springframework.stereotype.Service;

import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;

/** What other features may ask of lesson plans: a plan written in the background (the teacher assistant's tool). */
@Service
public class LessonPlanDrafts {

    private final LessonPlanService service;
    private final KnowledgePoints knowledgePoints;
    private final AccessPolicy access;

    LessonPlanDrafts(LessonPlanService service, KnowledgePoints knowledgePoints, AccessPolicy access) {
        this.service = service;
        this.knowledgePoints = knowledgePoints;
        this.access = access;
    }

    /**
     * Starts a plan for a class the teacher teaches, on these knowledge points (their subject is
     * the plan's); returns its id. Checked exactly as {@code POST /api/lesson-plans} is.
     */
    public long draft(CurrentUser me, long classId, String topic, List<Long> kpIds, String lessonType, int minutes) {
        if (!me.is(Role.TEACHER)) {
            throw ApiException.forbidden("lesson-plan-teachers-only");
        }
        access.checkClass(me, classId);
        KnowledgePoint first = kpIds.isEmpty() ? null : knowledgePoints.find(kpIds.getFirst())
                .filter(kp -> kp.schoolId() == me.schoolId()).orElse(null);
        if (first == null) {
            throw ApiException.badRequest("lesson-points-needed");
        }
        return service.start(me, new LessonPlanRequest(classId, first.subjectId(), topic, kpIds, lessonType, minutes, null,
                null), null).planId();
    }
}
