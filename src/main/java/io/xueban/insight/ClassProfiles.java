package io.xueban.insight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;

/** Class-level insight: the profile lesson plans are written from, and the students at risk. */
@Service
public class ClassProfiles {

    /** A wrong option counts as a shared misconception from this share of the answers on. */
    static final double MISCONCEPTION_SHARE = 0.2;
    static final int MISCONCEPTION_MIN_ANSWERS = 5;
    static final int MISCONCEPTIONS = 5;
    private static final List<String> TIERS = List.of("BASIC", "CORE", "EXTENDED");

    public record WeakPoint(long kpId, String code, String name, double probability, MasteryLevel level) {
    }

    public record AtRisk(long studentId, String name, List<WeakPoint> weak) {
    }

    private final MasteryViews views;
    private final ItemStatistics statistics;
    private final KnowledgePoints knowledgePoints;
    private final MasterySettings settings;
    private final MessageSource messages;

    ClassProfiles(MasteryViews views, ItemStatistics statistics, KnowledgePoints knowledgePoints,
            MasterySettings settings, MessageSource messages) {
        this.views = views;
        this.statistics = statistics;
        this.knowledgePoints = knowledgePoints;
        this.settings = settings;
        this.messages = messages;
    }

    /** The class's profile for a subject (or all subjects); the caller has checked access to the class. */
    public ClassProfile profileOf(long schoolId, long classId, Long subjectId) {
        MasteryViews.ClassMastery matrix = views.classMatrix(schoolId, classId, subjectId);
        List<ClassProfile.KnowledgePointProfile> kps = new ArrayList<>();
        for (int k = 0; k < matrix.knowledgePoints().size(); k++) {
            MasteryViews.KpColumn column = matrix.knowledgePoints().get(k);
            MasteryViews.KpSummary summary = matrix.summary().get(k);
            kps.add(new ClassProfile.KnowledgePointProfile(column.id(), column.code(), column.name(),
                    summary.meanProbability(), summary.levels()));
        }
        return new ClassProfile(classId, subjectId, matrix.students().size(), kps, tiers(matrix),
                misconceptions(schoolId, subjectId, matrix));
    }

    /** Students ordered by mean mastery and cut into thirds: 基础, 提高, 拓展. */
    private List<ClassProfile.Tier> tiers(MasteryViews.ClassMastery matrix) {
        List<double[]> ranked = new ArrayList<>();
        for (MasteryViews.StudentRow row : matrix.students()) {
            double mean = row.cells().stream().mapToDouble(MasteryViews.Cell::probability).average().orElse(0);
            ranked.add(new double[] {row.id(), mean});
        }
        ranked.sort(Comparator.comparingDouble((double[] r) -> r[1]).thenComparingDouble(r -> r[0]));
        Locale locale = LocaleContextHolder.getLocale();
        List<ClassProfile.Tier> tiers = new ArrayList<>();
        int n = ranked.size();
        for (int t = 0; t < TIERS.size(); t++) {
            List<double[]> part = ranked.subList(t * n / TIERS.size(), (t + 1) * n / TIERS.size());
            tiers.add(new ClassProfile.Tier(TIERS.get(t), messages.getMessage("tier." + TIERS.get(t), null, locale),
                    part.stream().map(r -> (long) r[0]).toList(),
                    part.stream().mapToDouble(r -> r[1]).average().orElse(0)));
        }
        return tiers;
    }

    private List<ClassProfile.Misconception> misconceptions(long schoolId, Long subjectId,
            MasteryViews.ClassMastery matrix) {
        List<Long> students = matrix.students().stream().map(MasteryViews.StudentRow::id).toList();
        List<ClassProfile.Misconception> found = new ArrayList<>();
        for (ItemStatistics.Statistics item : statistics.compute(schoolId, subjectId, students, Map.of())) {
            if (item.answers() < MISCONCEPTION_MIN_ANSWERS) {
                continue;
            }
            item.options().stream()
                    .filter(option -> !option.key() && option.share() >= MISCONCEPTION_SHARE)
                    .max(Comparator.comparingInt(ItemStatistics.OptionCount::count))
                    .ifPresent(option -> found.add(new ClassProfile.Misconception(item.itemId(), item.code(), item.kpIds(),
                            option.option(), option.text(), option.count(), option.share())));
        }
        found.sort(Comparator.comparingInt(ClassProfile.Misconception::chosenBy).reversed()
                .thenComparingLong(ClassProfile.Misconception::itemId));
        return found.subList(0, Math.min(MISCONCEPTIONS, found.size()));
    }

    /**
     * Students below 基本掌握 on what the coming lessons need: the given knowledge points and all
     * their prerequisites. Most weak points first.
     */
    public List<AtRisk> atRisk(long schoolId, long classId, Set<Long> upcoming, Long subjectId) {
        Map<Long, KnowledgePoint> all = new HashMap<>();
        knowledgePoints.list(schoolId, null).forEach(kp -> all.put(kp.id(), kp));
        Set<Long> needed = new LinkedHashSet<>();
        List<Long> frontier = new ArrayList<>(upcoming);
        while (!frontier.isEmpty()) {
            long kp = frontier.removeLast();
            if (all.containsKey(kp) && needed.add(kp)) {
                frontier.addAll(all.get(kp).prerequisiteIds());
            }
        }
        MasteryViews.ClassMastery matrix = views.classMatrix(schoolId, classId, subjectId);
        List<AtRisk> result = new ArrayList<>();
        for (MasteryViews.StudentRow row : matrix.students()) {
            List<WeakPoint> weak = new ArrayList<>();
            for (int k = 0; k < matrix.knowledgePoints().size(); k++) {
                MasteryViews.KpColumn column = matrix.knowledgePoints().get(k);
                MasteryViews.Cell cell = row.cells().get(k);
                if (needed.contains(column.id()) && cell.probability() < settings.partial()) {
                    weak.add(new WeakPoint(column.id(), column.code(), column.name(), cell.probability(), cell.level()));
                }
            }
            if (!weak.isEmpty()) {
                weak.sort(Comparator.comparingDouble(WeakPoint::probability));
                result.add(new AtRisk(row.id(), row.name(), weak));
            }
        }
        result.sort(Comparator.comparingInt((AtRisk r) -> -r.weak().size())
                .thenComparingDouble(r -> r.weak().stream().mapToDouble(WeakPoint::probability).average().orElse(0)));
        return result;
    }
}
