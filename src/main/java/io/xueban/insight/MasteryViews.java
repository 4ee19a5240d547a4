package io.xueban.insight;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.school.Roster;
import io.xueban.system.Db;

/** What teachers and students see of mastery: one student's knowledge points, a class's matrix. */
@Service
class MasteryViews {

    /** How many of the latest answers on a knowledge point the explanation looks at. */
    static final int RECENT = 4;

    record KpMastery(long kpId, String code, String name, double probability, MasteryLevel level, String levelLabel,
            int attempts, int correct, BloomLevel cognitiveLevel, String explanation) {
    }

    record StudentMastery(long studentId, String model, Instant modelFittedAt, List<KpMastery> knowledgePoints) {
    }

    record KpColumn(long id, String code, String name) {
    }

    record Cell(double probability, MasteryLevel level) {
    }

    record StudentRow(long id, String name, List<Cell> cells) {
    }

    record KpSummary(long kpId, double meanProbability, Map<MasteryLevel, Integer> levels) {
    }

    record ClassMastery(long classId, Instant modelFittedAt, List<KpColumn> knowledgePoints, List<StudentRow> students,
            List<KpSummary> summary) {
    }

    private final MasteryService mastery;
    private final MasterySettings settings;
    private final KnowledgePoints knowledgePoints;
    private final Roster roster;
    private final JdbcClient jdbc;
    private final MessageSource messages;

    MasteryViews(MasteryService mastery, MasterySettings settings, KnowledgePoints knowledgePoints, Roster roster,
            JdbcClient jdbc, MessageSource messages) {
        this.mastery = mastery;
        this.settings = settings;
        this.knowledgePoints = knowledgePoints;
        this.roster = roster;
        this.jdbc = jdbc;
        this.messages = messages;
    }

    StudentMastery student(long schoolId, long studentId, Long subjectId) {
        SchoolModel model = mastery.model(schoolId);
        StudentState state = mastery.states(List.of(studentId)).get(studentId);
        Locale locale = LocaleContextHolder.getLocale();
        // The student's answers, newest first, per knowledge point
        Map<Long, List<double[]>> byKp = new HashMap<>();
        jdbc.sql("SELECT item_id, correct, score FROM response WHERE student_id = ? ORDER BY created_at DESC, id DESC")
                .param(studentId)
                .query(rs -> {
                    long item = rs.getLong(1);
                    boolean right = MasteryService.isRight(Db.nullableBoolean(rs, "correct"), Db.nullableDouble(rs, "score"));
                    for (long kp : model.itemKps().getOrDefault(item, List.of())) {
                        byKp.computeIfAbsent(kp, k -> new ArrayList<>()).add(new double[] {item, right ? 1 : 0});
                    }
                });
        List<KpMastery> rows = new ArrayList<>();
        for (KnowledgePoint kp : knowledgePoints.list(schoolId, subjectId)) {
            int[] counts = state.counts.getOrDefault(kp.id(), new int[2]);
            int attempts = counts[0] + counts[1];
            double probability = state.mastered(model, kp.id());
            MasteryLevel level = settings.level(probability, attempts);
            List<double[]> answers = byKp.getOrDefault(kp.id(), List.of());
            rows.add(new KpMastery(kp.id(), kp.code(), kp.name(), probability, level, label(level, locale), attempts,
                    counts[0], cognitiveLevel(model, answers), explanation(model, answers, counts, locale)));
        }
        return new StudentMastery(studentId, MasteryModels.MASTERY, model.fittedAt(), rows);
    }

    ClassMastery classMatrix(long schoolId, long classId, Long subjectId) {
        SchoolModel model = mastery.model(schoolId);
        Map<Long, String> students = roster.studentNamesOf(classId);
        Map<Long, StudentState> states = mastery.states(new ArrayList<>(students.keySet()));
        List<KnowledgePoint> kps = knowledgePoints.list(schoolId, subjectId);
        List<StudentRow> rows = new ArrayList<>();
        double[] sums = new double[kps.size()];
        List<Map<MasteryLevel, Integer>> levels = new ArrayList<>();
        for (int k = 0; k < kps.size(); k++) {
            Map<MasteryLevel, Integer> histogram = new EnumMap<>(MasteryLevel.class);
            for (MasteryLevel level : MasteryLevel.values()) {
                histogram.put(level, 0);
            }
            levels.add(histogram);
        }
        students.forEach((id, name) -> {
            StudentState state = states.get(id);
            List<Cell> cells = new ArrayList<>();
            for (int k = 0; k < kps.size(); k++) {
                int[] counts = state.counts.getOrDefault(kps.get(k).id(), new int[2]);
                double probability = state.mastered(model, kps.get(k).id());
                MasteryLevel level = settings.level(probability, counts[0] + counts[1]);
                cells.add(new Cell(probability, level));
                sums[k] += probability;
                levels.get(k).merge(level, 1, Integer::sum);
            }
            rows.add(new StudentRow(id, name, cells));
        });
        List<KpColumn> columns = new ArrayList<>();
        List<KpSummary> summary = new ArrayList<>();
        for (int k = 0; k < kps.size(); k++) {
            columns.add(new KpColumn(kps.get(k).id(), kps.get(k).code(), kps.get(k).name()));
            summary.add(new KpSummary(kps.get(k).id(), students.isEmpty() ? 0 : sums[k] / students.size(), levels.get(k)));
        }
        return new ClassMastery(classId, model.fittedAt(), columns, rows, summary);
    }

    /** The highest Bloom level at which the student answers this point's items reliably (≥ 2 answers, ≥ 75% right). */
    private static BloomLevel cognitiveLevel(SchoolModel model, List<double[]> answers) {
        Map<BloomLevel, int[]> byLevel = new EnumMap<>(BloomLevel.class);
        for (double[] answer : answers) {
            BloomLevel level = model.itemBloom().get((long) answer[0]);
            if (level != null) {
                int[] c = byLevel.computeIfAbsent(level, l -> new int[2]);
                c[0] += (int) answer[1];
                c[1]++;
            }
        }
        BloomLevel highest = null;
        for (Map.Entry<BloomLevel, int[]> entry : byLevel.entrySet()) {
            int[] c = entry.getValue();
            if (c[1] >= 2 && c[0] >= 0.75 * c[1]) {
                highest = entry.getKey();
            }
        }
        return highest;
    }

    /** "最近 4 次作答对了 3 次，答错的正是其中最难的一道；累计 …" */
    private String explanation(SchoolModel model, List<double[]> answers, int[] counts, Locale locale) {
        if (answers.isEmpty() && counts[0] + counts[1] == 0) {
            return messages.getMessage("mastery.explain.none", null, locale);
        }
        List<double[]> recent = answers.subList(0, Math.min(RECENT, answers.size()));
        int right = 0;
        long hardest = -1;
        double hardestDifficulty = Double.NEGATIVE_INFINITY;
        boolean hardestWrong = false;
        for (double[] answer : recent) {
            right += (int) answer[1];
            double difficulty = model.itemDifficulty().getOrDefault((long) answer[0], 0.0);
            if (difficulty > hardestDifficulty) {
                hardestDifficulty = difficulty;
                hardest = (long) answer[0];
                hardestWrong = answer[1] == 0;
            }
        }
        StringBuilder text = new StringBuilder(messages.getMessage("mastery.explain.recent",
                new Object[] {String.valueOf(recent.size()), String.valueOf(right)}, locale));
        if (hardest >= 0 && hardestWrong && right > 0) {
            text.append(messages.getMessage("mastery.explain.hardest-wrong", null, locale));
        }
        text.append(messages.getMessage("mastery.explain.total", new Object[] {
                String.valueOf(counts[0] + counts[1]), String.valueOf(counts[0])}, locale));
        return text.toString();
    }

    private String label(MasteryLevel level, Locale locale) {
        return messages.getMessage("mastery.level." + level.name(), null, level.name(), locale);
    }

    static Map<String, Object> refitSummary(MasteryService.Refit refit) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", MasteryModels.MASTERY);
        summary.put("students", refit.students());
        summary.put("responses", refit.responses());
        summary.put("items", refit.items());
        summary.put("knowledgePoints", refit.knowledgePoints());
        summary.put("tookMs", refit.millis());
        return summary;
    }
}
