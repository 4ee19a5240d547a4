package io.xueban.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.ItemParameters;
import io.xueban.curriculum.Items;
import io.xueban.system.ApiException;
import io.xueban.system.Csv;

/**
 * Item calibration (IRT): Rasch by conditional maximum likelihood, 2PL by marginal maximum
 * likelihood, on an uploaded answer matrix or on the school's stored responses (whose results
 * are written back to the items).
 */
@Service
class ItemCalibration {

    /** Larger matrices would hold a request for minutes (2PL EM costs cells × 41 nodes per cycle). */
    static final int MAX_CELLS = 2_000_000;
    private static final int MAX_ROW_ERRORS = 50;

    enum Model {
        RASCH("rasch"), TWO_PL("2pl");

        final String label;

        Model(String label) {
            this.label = label;
        }

        static Model of(String text) {
            String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
            for (Model model : values()) {
                if (model.label.equals(wanted)) {
                    return model;
                }
            }
            throw ApiException.badRequest("unknown-calibration-model", text);
        }
    }

    /** A calibration of the school's items, and how many items got their new parameters. */
    record SchoolCalibration(Calibration calibration, int itemsUpdated) {
    }

    private final JdbcClient jdbc;
    private final Items items;

    ItemCalibration(JdbcClient jdbc, Items items) {
        this.jdbc = jdbc;
        this.items = items;
    }

    Calibration calibrate(ResponseMatrix data, Model model) {
        if ((long) data.persons() * data.items() > MAX_CELLS) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "calibration-too-large",
                    (long) data.persons() * data.items(), MAX_CELLS);
        }
        return model == Model.RASCH ? RaschCml.fit(data) : TwoPlMml.fit(data);
    }

    /**
     * Reads an answer matrix: a header of item ids, then one row per person of 1 (right),
     * 0 (wrong) or an empty cell (not answered). Every bad row is reported; nothing is computed
     * from a file with errors.
     */
    static ResponseMatrix parse(byte[] csv) {
        Csv.Grid grid = Csv.parseGrid(csv);
        List<String> ids = grid.header();
        if (ids.size() < 2 || ids.stream().anyMatch(String::isBlank)) {
            throw ApiException.badRequest("calibration-header");
        }
        if (grid.rows().isEmpty()) {
            throw ApiException.badRequest("csv-no-rows");
        }
        List<ApiException.RowError> errors = new ArrayList<>();
        byte[][] scores = new byte[grid.rows().size()][];
        for (int p = 0; p < grid.rows().size() && errors.size() < MAX_ROW_ERRORS; p++) {
            Csv.GridRow row = grid.rows().get(p);
            if (row.cells().size() != ids.size()) {
                errors.add(new ApiException.RowError(row.number(), "%d cells for %d items"
                        .formatted(row.cells().size(), ids.size())));
                continue;
            }
            byte[] scored = new byte[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                String cell = row.cells().get(i);
                switch (cell) {
                    case "1" -> scored[i] = 1;
                    case "0" -> scored[i] = 0;
                    case "" -> scored[i] = ResponseMatrix.MISSING;
                    default -> errors.add(new ApiException.RowError(row.number(),
                            "item %s: \"%s\" is not 1, 0 or empty".formatted(ids.get(i), cell)));
                }
            }
            scores[p] = scored;
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidRows(errors);
        }
        return new ResponseMatrix(ids, scores);
    }

    /**
     * Calibrates the school's items (of one subject, or all) from its stored responses — each
     * student's first answer to each item, right when marked correct or scored at least half —
     * and writes the parameters of every item that got a finite estimate back to the item bank.
     */
    SchoolCalibration calibrateSchool(long schoolId, Long subjectId, Model model) {
        Map<Long, Integer> itemColumn = new LinkedHashMap<>();
        Map<Long, Map<Integer, Byte>> byStudent = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT r.student_id, r.item_id, r.correct, r.score FROM response r JOIN item i ON i.id = r.item_id
                        WHERE r.school_id = :school AND (CAST(:subject AS BIGINT) IS NULL OR i.subject_id = :subject)
                        ORDER BY r.created_at, r.id""")
                .param("school", schoolId)
                .param("subject", subjectId)
                .query(rs -> {
                    long item = rs.getLong("item_id");
                    int column = itemColumn.computeIfAbsent(item, id -> itemColumn.size());
                    boolean correct = rs.getObject("correct") != null ? rs.getBoolean("correct") : rs.getDouble("score") >= 0.5;
                    byStudent.computeIfAbsent(rs.getLong("student_id"), id -> new HashMap<>())
                            .putIfAbsent(column, (byte) (correct ? 1 : 0));
                });
        if (itemColumn.size() < 2) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "calibration-no-data");
        }
        List<Long> itemIds = new ArrayList<>(itemColumn.keySet());
        byte[][] scores = new byte[byStudent.size()][];
        int p = 0;
        for (Map<Integer, Byte> answers : byStudent.values()) {
            byte[] row = new byte[itemIds.size()];
            Arrays.fill(row, ResponseMatrix.MISSING);
            answers.forEach((column, score) -> row[column] = score);
            scores[p++] = row;
        }
        Calibration calibration = calibrate(new ResponseMatrix(itemIds.stream().map(String::valueOf).toList(), scores),
                model);
        Map<Long, ItemParameters> parameters = new HashMap<>();
        for (ItemEstimate estimate : calibration.items()) {
            if (estimate.status() == ItemEstimate.Status.ESTIMATED) {
                parameters.put(Long.valueOf(estimate.id()),
                        new ItemParameters(estimate.difficulty(), estimate.discrimination()));
            }
        }
        int updated = items.recordCalibration(schoolId, model.label, parameters);
        return new SchoolCalibration(calibration, updated);
    }
}
