package io.xueban.path;

import java.util.Optional;

import org.springframework.stereotype.Service;

/** What other features may know of a student's path: the step they are on (the study buddy reads it). */
@Service
public class StudentPaths {

    /** The first step of a student's path, in one sentence each for what and why. */
    public record NextStep(long kpId, String kpName, String kind, String explanation) {
    }

    private final LearningPaths paths;

    StudentPaths(LearningPaths paths) {
        this.paths = paths;
    }

    public Optional<NextStep> nextStep(long schoolId, long studentId) {
        return paths.pathFor(schoolId, studentId, null).steps().stream().findFirst()
                .map(step -> new NextStep(step.kpId(), step.name(), step.kind().name(), step.explanation()));
    }
}
