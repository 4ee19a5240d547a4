package io.xueban.assignment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * An assignment's results as a teacher keeps them: one row per student (student number, name,
 * state, score, when submitted, in the school's time zone), as an Excel workbook or as CSV
 * (UTF-8 with a byte-order mark, so that Excel reads the Chinese).
 */
@Component
class ResultsExport {

    private static final int SCORE_COLUMN = 4;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final MessageSource messages;
    private final ZoneId zone;

    ResultsExport(MessageSource messages, ZoneId zone) {
        this.messages = messages;
        this.zone = zone;
    }

    byte[] xlsx(AssignmentResults.Results results, Locale locale) {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = workbook.createSheet(safeSheetName(results.title()));
            List<List<String>> rows = rows(results, locale);
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < rows.get(r).size(); c++) {
                    String value = rows.get(r).get(c);
                    if (r > 0 && c == SCORE_COLUMN && !value.isEmpty()) {
                        row.createCell(c).setCellValue(Double.parseDouble(value));
                    } else {
                        row.createCell(c).setCellValue(value);
                    }
                }
            }
            workbook.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] csv(AssignmentResults.Results results, Locale locale) {
        StringBuilder text = new StringBuilder("\uFEFF");
        for (List<String> row : rows(results, locale)) {
            text.append(String.join(",", row.stream().map(ResultsExport::quoted).toList())).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The header, then a row per student; the score as a share (0 to 1), empty when there is none. */
    private List<List<String>> rows(AssignmentResults.Results results, Locale locale) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(message("export.username", locale), message("export.name", locale), message("export.part", locale),
                message("export.state", locale), message("export.score", locale), message("export.submitted-at", locale)));
        for (AssignmentResults.StudentResult student : results.byStudent()) {
            rows.add(List.of(nullToEmpty(student.username()), nullToEmpty(student.name()), nullToEmpty(student.part()),
                    message("export.state." + student.state(), locale),
                    student.score() == null ? "" : String.format(Locale.ROOT, "%.3f", student.score()),
                    student.submittedAt() == null ? "" : WHEN.format(student.submittedAt().atZone(zone))));
        }
        return rows;
    }

    private String message(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }

    private static String quoted(String value) {
        // A leading =, +, - or @ would run as a formula in a spreadsheet.
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n") ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String safeSheetName(String title) {
        String cleaned = title.replaceAll("[\\\\/?*\\[\\]:]", " ").strip();
        return cleaned.isEmpty() ? "results" : cleaned.substring(0, Math.min(31, cleaned.length()));
    }
}
