package io.xueban;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rows become records only through mappers that name each column: mapping by reflection turns
 * snake_case columns into guesses (H2 throws, and traces, an exception for each column a guess
 * misses). Scalars are the one exception. Each feature's read-back test then shows its mappers
 * read every column they need.
 */
class RowMappingsTest {

    private static final Pattern QUERY_BY_CLASS = Pattern.compile("\\.query\\(\\s*([\\w.]+)\\.class\\s*\\)");
    private static final Pattern REFLECTIVE = Pattern.compile("DataClassRowMapper|BeanPropertyRowMapper|SimplePropertyRowMapper");
    private static final Set<String> SCALARS = Set.of("String", "Long", "Integer", "Double", "Boolean", "Instant",
            "LocalDate", "LocalDateTime", "OffsetDateTime", "Timestamp", "BigDecimal", "byte[]");

    @Test
    void noRowIsMappedToARecordByReflection() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher query = QUERY_BY_CLASS.matcher(source);
                while (query.find()) {
                    if (!SCALARS.contains(query.group(1))) {
                        offenders.add(file.getFileName() + ": .query(" + query.group(1) + ".class)");
                    }
                }
                if (REFLECTIVE.matcher(source).find()) {
                    offenders.add(file.getFileName() + ": reflective row mapper");
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theScanFindsAReflectiveMapping() {
        assertThat(QUERY_BY_CLASS.matcher(".query(PrerequisiteGraph.Edge.class)").find()).isTrue();
        Matcher scalar = QUERY_BY_CLASS.matcher(".query(Long.class)");
        assertThat(scalar.find()).isTrue();
        assertThat(SCALARS).contains(scalar.group(1));
    }
}
