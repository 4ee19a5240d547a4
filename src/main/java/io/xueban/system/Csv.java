package io.xueban.system;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads an uploaded CSV file (UTF-8, with a header row) into rows keyed by canonical column names.
 * Problems with the file as a whole (not UTF-8, malformed quoting, unknown or missing columns)
 * are 400s; problems with single rows are for the importer to collect.
 */
public final class Csv {

    private Csv() {
    }

    /**
     * @param aliases header spellings (lower case) mapped to canonical column names; every
     *                canonical name must map to itself
     * @param required canonical columns the file must have
     */
    public static Table parse(byte[] body, Map<String, String> aliases, Set<String> required) {
        List<CSVRecord> records = records(body);
        List<String> columns = new ArrayList<>();
        for (String name : records.getFirst()) {
            String canonical = aliases.get(name.strip().toLowerCase(Locale.ROOT));
            if (canonical == null) {
                throw ApiException.badRequest("csv-unknown-column", name, String.join(", ", required));
            }
            if (columns.contains(canonical)) {
                throw ApiException.badRequest("csv-duplicate-column", name);
            }
            columns.add(canonical);
        }
        for (String column : required) {
            if (!columns.contains(column)) {
                throw ApiException.badRequest("csv-missing-column", column);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            CSVRecord record = records.get(i);
            Map<String, String> values = new LinkedHashMap<>();
            for (int c = 0; c < columns.size() && c < record.size(); c++) {
                values.put(columns.get(c), record.get(c));
            }
            // Spreadsheet numbering: the header is row 1.
            rows.add(new Row(i + 1, values, record.size() == columns.size()));
        }
        return new Table(columns, rows);
    }

    /**
     * A table whose header names are data (for instance item ids): the header as written (each
     * name once) and every row's cells, numbered as in a spreadsheet.
     */
    public static Grid parseGrid(byte[] body) {
        List<CSVRecord> records = records(body);
        List<String> header = new ArrayList<>();
        for (String name : records.getFirst()) {
            String column = name.strip();
            if (header.contains(column)) {
                throw ApiException.badRequest("csv-duplicate-column", column);
            }
            header.add(column);
        }
        List<GridRow> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> cells = new ArrayList<>();
            records.get(i).forEach(cells::add);
            rows.add(new GridRow(i + 1, cells));
        }
        return new Grid(header, rows);
    }

    private static List<CSVRecord> records(byte[] body) {
        String text = decodeUtf8(body);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // Excel's "CSV UTF-8" starts with a byte order mark
        }
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).setTrim(true).get();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.isEmpty()) {
                throw ApiException.badRequest("csv-empty");
            }
            return records;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw ApiException.badRequest("csv-malformed", e.getMessage());
        }
    }

    private static String decodeUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("csv-not-utf8");
        }
    }

    public record Table(List<String> columns, List<Row> rows) {
    }

    public record Grid(List<String> header, List<GridRow> rows) {
    }

    /** A data row's cells as written; {@code number} counts the header as row 1. */
    public record GridRow(int number, List<String> cells) {
    }

    /** One data row; {@code complete} is false when it has fewer or more cells than the header. */
    public record Row(int number, Map<String, String> values, boolean complete) {

        /** The cell's text, or null when the cell is empty or the column is absent. */
        public String get(String column) {
            String value = values.get(column);
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
