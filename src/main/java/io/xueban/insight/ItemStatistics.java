package io.xueban.insight;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemType;
import io.xueban.curriculum.Items;
import io.xueban.system.Db;

/**
 * Classical item statistics over each student's first answer to each item: the p-value (share
 * right), the point-biserial correlation of the item with the student's share right on their
 * other items, and for choice items how often each option was chosen — and by whom, when the
 * caller may see the students.
 */
@Service
class ItemStatistics {

    record Chooser(long studentId, String name) {
    }

    record OptionCount(String option, String text, boolean key, int count, double share, List<Chooser> chosenBy) {
    }

    /** @param stem the question, shown with its code where a teacher reads the figures */
    record Statistics(long itemId, String code, String stem, ItemType type, List<Long> kpIds, int answers, Double pValue,
            Double pointBiserial, List<OptionCount> options) {
    }

    private final JdbcClient jdbc;
    private final Items items;

    ItemStatistics(JdbcClient jdbc, Items items) {
        this.jdbc = jdbc;
        this.items = items;
    }

    /**
     * @param students whose answers count (null: every student of the school)
     * @param names names to list under each option chosen (empty: counts only)
     */
    List<Statistics> compute(long schoolId, Long subjectId, Collection<Long> students, Map<Long, String> names) {
        Map<Long, ItemFacts> facts = new LinkedHashMap<>();
        for (ItemFacts item : items.facts(schoolId)) {
            if (subjectId == null || item.subjectId() == subjectId) {
                facts.put(item.id(), item);
            }
        }
        // First answer per (student, item): right or not, and the answer text
        Map<Long, Map<Long, Object[]>> first = new HashMap<>();
        if (students == null || !students.isEmpty()) {
            jdbc.sql("SELECT student_id, item_id, correct, score, answer_text FROM response WHERE school_id = :school"
                            + (students == null ? "" : " AND student_id IN (:students)") + " ORDER BY created_at, id")
                    .param("school", schoolId)
                    .param("students", students == null ? List.of(-1L) : students)
                    .query(rs -> {
                        long item = rs.getLong("item_id");
                        if (facts.containsKey(item)) {
                            boolean right = MasteryService.isRight(Db.nullableBoolean(rs, "correct"), Db.nullableDouble(rs, "score"));
                            first.computeIfAbsent(rs.getLong("student_id"), s -> new HashMap<>())
                                    .putIfAbsent(item, new Object[] {right, rs.getString("answer_text")});
                        }
                    });
        }
        Map<Long, int[]> totals = new HashMap<>();
        first.forEach((student, answers) -> {
            int right = 0;
            for (Object[] answer : answers.values()) {
                right += (Boolean) answer[0] ? 1 : 0;
            }
            totals.put(student, new int[] {right, answers.size()});
        });
        List<Statistics> result = new ArrayList<>();
        for (ItemFacts item : facts.values()) {
            List<double[]> pairs = new ArrayList<>();
            Map<String, List<Long>> byOption = new LinkedHashMap<>();
            first.forEach((student, answers) -> {
                Object[] answer = answers.get(item.id());
                if (answer == null) {
                    return;
                }
                int x = (Boolean) answer[0] ? 1 : 0;
                int[] total = totals.get(student);
                if (total[1] > 1) {
                    pairs.add(new double[] {x, (double) (total[0] - x) / (total[1] - 1)});
                }
                if (item.type().isChoice() && answer[1] != null) {
                    String option = ((String) answer[1]).strip().toUpperCase(Locale.ROOT);
                    byOption.computeIfAbsent(option, o -> new ArrayList<>()).add(student);
                }
            });
            int answered = (int) first.values().stream().filter(answers -> answers.containsKey(item.id())).count();
            long right = first.values().stream().map(answers -> answers.get(item.id()))
                    .filter(answer -> answer != null && (Boolean) answer[0]).count();
            result.add(new Statistics(item.id(), item.code(), item.stem(), item.type(), item.kpIds(), answered,
                    answered == 0 ? null : (double) right / answered, correlation(pairs),
                    item.type().isChoice() ? options(item, byOption, answered, names) : List.of()));
        }
        return result;
    }

    private static List<OptionCount> options(ItemFacts item, Map<String, List<Long>> byOption, int answered,
            Map<Long, String> names) {
        List<OptionCount> options = new ArrayList<>();
        List<String> texts = item.options() == null ? List.of() : item.options();
        Map<String, List<Long>> remaining = new LinkedHashMap<>(byOption);
        for (int i = 0; i < texts.size(); i++) {
            String letter = Character.toString('A' + i);
            options.add(option(letter, texts.get(i), item.answerKey(), remaining.remove(letter), answered, names));
        }
        // Answers that name no single option (several letters for a multiple-choice item)
        remaining.forEach((answer, students) -> options.add(option(answer, null, item.answerKey(), students, answered,
                names)));
        return options;
    }

    private static OptionCount option(String option, String text, String key, List<Long> students, int answered,
            Map<Long, String> names) {
        List<Long> chose = students == null ? List.of() : students;
        boolean isKey = option.equals(key);
        List<Chooser> who = isKey ? List.of() : chose.stream()
                .filter(names::containsKey)
                .map(id -> new Chooser(id, names.get(id)))
                .toList();
        return new OptionCount(option, text, isKey, chose.size(), answered == 0 ? 0 : (double) chose.size() / answered, who);
    }

    /** Pearson correlation of the pairs, or null when it is not defined (fewer than 3, or no variance). */
    static Double correlation(List<double[]> pairs) {
        if (pairs.size() < 3) {
            return null;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : pairs) {
            mx += p[0];
            my += p[1];
        }
        mx /= pairs.size();
        my /= pairs.size();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        return sxx == 0 || syy == 0 ? null : sxy / Math.sqrt(sxx * syy);
    }
}
