package io.xueban.lessonplan;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;

/**
 * What other features may ask of lesson plans: a plan written in the background (the teacher
 * assistant's tool), and the work a plan sets (课堂检测, 分层作业) for assigning it.
 */
@Service
public class LessonPlanDrafts {

    /**
     * The items a plan sets, from its accepted version (else its latest).
     *
     * @param homework the 分层作业 items by tier code (BASIC, CORE, EXTENDED, as the class profile names tiers)
     */
    public record PlanWork(long planId, long schoolId, long classId, long subjectId, String title, List<Long> exitTicket,
            Map<String, List<Long>> homework) {
    }

    private final LessonPlanService service;
    private final LessonPlanStore store;
    private final KnowledgePoints knowledgePoints;
    private final AccessPolicy access;

    LessonPlanDrafts(LessonPlanService service, LessonPlanStore store, KnowledgePoints knowledgePoints,
            AccessPolicy access) {
        this.service = service;
        this.store = store;
        this.knowledgePoints = knowledgePoints;
        this.access = access;
    }

    /** The work set by a plan the caller may read (its teacher, an admin); 409 while it has no version. */
    public PlanWork work(CurrentUser me, long planId) {
        LessonPlanStore.Plan plan = store.find(planId).orElseThrow(() -> ApiException.notFound("lesson-plan", planId));
        access.checkReadable(me, plan.schoolId(), plan.teacherId(), !me.is(Role.ADMIN), "lesson-plan", planId);
        int version = plan.acceptedVersion() != null ? plan.acceptedVersion() : plan.currentVersion();
        LessonDraft draft = store.version(planId, version).map(LessonPlanStore.Version::content)
                .orElseThrow(() -> ApiException.conflict("lesson-plan-not-ready", plan.status()));
        LessonDraft.Homework homework = draft.homework();
        return new PlanWork(planId, plan.schoolId(), plan.classId(), plan.subjectId(), draft.title(),
                List.copyOf(draft.exitTicket().itemIds()), Map.of("BASIC", List.copyOf(homework.basic().itemIds()),
                        "CORE", List.copyOf(homework.core().itemIds()), "EXTENDED", List.copyOf(homework.extended().itemIds())));
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
