package io.xueban.path;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import io.xueban.insight.ClassProfile;
import io.xueban.insight.ClassProfiles;
import io.xueban.school.Roster;

/**
 * A class seen through its students' paths, for differentiated work (分层作业): the class's tiers
 * (from learning insight, the same ones lesson plans use), each student's next step, and the
 * points most of a tier should work on next.
 */
@Service
class ClassPaths {

    /** Steps of each student's path that count towards their tier's focus. */
    static final int FOCUS_DEPTH = 2;
    static final int FOCUS_POINTS = 3;

    record NextStep(long kpId, String code, String name, Planner.Kind kind, String explanation) {
    }

    record StudentNext(long studentId, String name, NextStep next) {
    }

    /** A point on the next steps of {@code students} students of the tier. */
    record Focus(long kpId, String code, String name, int students) {
    }

    record TierPath(String code, String label, double meanMastery, List<StudentNext> students, List<Focus> focus) {
    }

    record ClassPath(long classId, Long subjectId, List<TierPath> tiers, long tookMillis) {
    }

    private final ClassProfiles profiles;
    private final LearningPaths paths;
    private final Roster roster;

    ClassPaths(ClassProfiles profiles, LearningPaths paths, Roster roster) {
        this.profiles = profiles;
        this.paths = paths;
        this.roster = roster;
    }

    /** The caller has checked access to the class. */
    ClassPath of(long schoolId, long classId, Long subjectId) {
        long start = System.nanoTime();
        ClassProfile profile = profiles.profileOf(schoolId, classId, subjectId);
        Map<Long, String> names = roster.studentNamesOf(classId);
        List<TierPath> tiers = new ArrayList<>();
        for (ClassProfile.Tier tier : profile.tiers()) {
            List<StudentNext> students = new ArrayList<>();
            Map<Long, Focus> focus = new LinkedHashMap<>();
            for (long student : tier.studentIds()) {
                List<LearningPaths.PathStep> steps = paths.pathFor(schoolId, student, subjectId).steps();
                LearningPaths.PathStep first = steps.isEmpty() ? null : steps.getFirst();
                students.add(new StudentNext(student, names.get(student), first == null ? null
                        : new NextStep(first.kpId(), first.code(), first.name(), first.kind(), first.explanation())));
                for (LearningPaths.PathStep step : steps.subList(0, Math.min(FOCUS_DEPTH, steps.size()))) {
                    focus.merge(step.kpId(), new Focus(step.kpId(), step.code(), step.name(), 1),
                            (a, b) -> new Focus(a.kpId(), a.code(), a.name(), a.students() + 1));
                }
            }
            List<Focus> top = new ArrayList<>(focus.values());
            top.sort(Comparator.comparingInt(Focus::students).reversed().thenComparingLong(Focus::kpId));
            tiers.add(new TierPath(tier.code(), tier.label(), tier.meanMastery(), students,
                    top.subList(0, Math.min(FOCUS_POINTS, top.size()))));
        }
        return new ClassPath(classId, subjectId, tiers, (System.nanoTime() - start) / 1_000_000);
    }
}
