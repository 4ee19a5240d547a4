package io.xueban.tutor;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.insight.MasteryService;
import io.xueban.insight.ResponsesRecorded;
import io.xueban.insight.StudentSnapshot;
import io.xueban.llm.PromptTemplates;
import io.xueban.path.StudentPaths;

/**
 * What the study buddy knows of a student: the current step of their path and their weakest
 * points. Working it out reads the student's whole record and plans the path, far too much for
 * every message, so it is kept for {@link #TTL} and worked out again as soon as the student's new
 * answers are committed. A teacher's pin, or answers taken by another instance, show within the TTL.
 */
@Component
class StudentContexts {

    static final Duration TTL = Duration.ofSeconds(60);
    static final int WEAKEST = 3;

    private final MasteryService mastery;
    private final KnowledgePoints knowledgePoints;
    private final StudentPaths paths;
    private final PromptTemplates prompts;
    private final Cache<Long, String> cache = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(TTL).build();

    StudentContexts(MasteryService mastery, KnowledgePoints knowledgePoints, StudentPaths paths, PromptTemplates prompts) {
        this.mastery = mastery;
        this.knowledgePoints = knowledgePoints;
        this.paths = paths;
        this.prompts = prompts;
    }

    /** The student's context as the buddy's prompt states it. */
    String of(long schoolId, long studentId) {
        return cache.get(studentId, id -> compute(schoolId, id));
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void onResponses(ResponsesRecorded recorded) {
        recorded.responses().forEach(response -> cache.invalidate(response.studentId()));
    }

    private String compute(long schoolId, long studentId) {
        StringBuilder context = new StringBuilder();
        paths.nextStep(schoolId, studentId).ifPresent(step -> context.append(prompts.render("tutor/context-step",
                Map.of("name", step.kpName(), "explanation", step.explanation()))));
        StudentSnapshot snapshot = mastery.snapshot(schoolId, studentId);
        Map<Long, String> names = new HashMap<>();
        knowledgePoints.list(schoolId, null).forEach((KnowledgePoint kp) -> names.put(kp.id(), kp.name()));
        List<String> weak = snapshot.knowledgePoints().entrySet().stream()
                .filter(e -> e.getValue().attempts() > 0 && names.containsKey(e.getKey()))
                .sorted(Comparator.comparingDouble(e -> e.getValue().probability()))
                .limit(WEAKEST)
                .map(e -> names.get(e.getKey()))
                .toList();
        if (!weak.isEmpty()) {
            context.append(prompts.render("tutor/context-weak", Map.of("names", String.join("、", weak))));
        }
        return context.isEmpty() ? prompts.render("tutor/no-context", Map.of()).strip() : context.toString().strip();
    }
}
