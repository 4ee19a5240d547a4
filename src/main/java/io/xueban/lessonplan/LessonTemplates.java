package io.xueban.lessonplan;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.system.ApiException;
import io.xueban.system.Db;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A school's lesson template: which sections its plans have, in which order, under which
 * headings. Without one the default is every section in the usual order. Objectives and the
 * lesson process cannot be left out: no plan is a plan without them.
 */
@Service
class LessonTemplates {

    static final Set<Section> REQUIRED = EnumSet.of(Section.OBJECTIVES, Section.PROCESS);

    record Heading(@NotNull Section section, @NotBlank @Size(max = 40) String title) {
    }

    private static final TypeReference<List<Heading>> HEADINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    LessonTemplates(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    static List<Heading> defaults() {
        return Arrays.stream(Section.values()).map(s -> new Heading(s, s.defaultHeading())).toList();
    }

    List<Heading> of(long schoolId) {
        return jdbc.sql("SELECT sections FROM lesson_template WHERE school_id = ?").param(schoolId)
                .query(String.class).optional()
                .map(text -> json.readValue(text, HEADINGS))
                .orElseGet(LessonTemplates::defaults);
    }

    List<Heading> set(long schoolId, long adminId, List<Heading> headings) {
        List<Section> seen = new ArrayList<>();
        for (Heading heading : headings) {
            if (seen.contains(heading.section())) {
                throw ApiException.badRequest("template-duplicate-section", heading.section());
            }
            seen.add(heading.section());
        }
        for (Section required : REQUIRED) {
            if (!seen.contains(required)) {
                throw ApiException.badRequest("template-missing-section", required.defaultHeading());
            }
        }
        List<Heading> stripped = headings.stream().map(h -> new Heading(h.section(), h.title().strip())).toList();
        String text = json.writeValueAsString(stripped);
        int updated = jdbc.sql("UPDATE lesson_template SET sections = ?, updated_by = ?, updated_at = ? WHERE school_id = ?")
                .params(text, adminId, Db.utc(clock.instant()), schoolId).update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO lesson_template (school_id, sections, updated_by, updated_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT DO NOTHING""")
                    .params(schoolId, text, adminId, Db.utc(clock.instant())).update();
        }
        return of(schoolId);
    }
}
