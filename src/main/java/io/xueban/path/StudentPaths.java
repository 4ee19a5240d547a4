package io.xueban.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;

/**
 * What other features may know of a student's path: the step they are on (the study buddy reads
 * it) and the items of their next steps (homework of one's own, 每人一份).
 */
@Service
public class StudentPaths {

    /** The first step of a student's path, in one sentence each for what and why. */
    public record NextStep(long kpId, String kpName, String kind, String explanation) {
    }

    /** An item the planner chose for the student, with the point it practises. */
    public record NextItem(long itemId, long kpId, String kpName) {
    }

    private final LearningPaths paths;

    StudentPaths(LearningPaths paths) {
        this.paths = paths;
    }

    public Optional<NextStep> nextStep(long schoolId, long studentId) {
        return paths.pathFor(schoolId, studentId, null).steps().stream().findFirst()
                .map(step -> new NextStep(step.kpId(), step.name(), step.kind().name(), step.explanation()));
    }

    /**
     * Up to {@code max} items of the student's path in the subject, the first step's first: what
     * the planner would have the student practise next.
     */
    public List<NextItem> nextItems(long schoolId, long studentId, Long subjectId, int max) {
        List<NextItem> chosen = new ArrayList<>();
        for (LearningPaths.PathStep step : paths.pathFor(schoolId, studentId, subjectId).steps()) {
            for (LearningPaths.PathItem item : step.items()) {
                if (chosen.size() == max) {
                    return chosen;
                }
                chosen.add(new NextItem(item.itemId(), step.kpId(), step.name()));
            }
        }
        return chosen;
    }
}
