package io.xueban.tutor;

import org.springframework.stereotype.Component;

import io.xueban.assignment.AssignmentDrafts;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.insight.ClassProfiles;
import io.xueban.insight.MasteryService;
import io.xueban.lessonplan.LessonPlanDrafts;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/**
 * What the teacher assistant's tools work with (read by {@link AssistantTools}); {@link #toolsFor}
 * makes the tools for one teacher's request.
 */
@Component
class AssistantToolbox {

    final AccessPolicy access;
    final ClassProfiles profiles;
    final KnowledgePoints knowledgePoints;
    final Items items;
    final MasteryService mastery;
    final LessonPlanDrafts lessonPlans;
    final AssignmentDrafts assignments;

    AssistantToolbox(AccessPolicy access, ClassProfiles profiles, KnowledgePoints knowledgePoints, Items items,
            MasteryService mastery, LessonPlanDrafts lessonPlans, AssignmentDrafts assignments) {
        this.access = access;
        this.profiles = profiles;
        this.knowledgePoints = knowledgePoints;
        this.items = items;
        this.mastery = mastery;
        this.lessonPlans = lessonPlans;
        this.assignments = assignments;
    }

    AssistantTools toolsFor(CurrentUser me) {
        return new AssistantTools(me, this);
    }
}
