package io.xueban.lessonplan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.poi.xwpf.usermodel.IBodyElement;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableCell;
import org.junit.jupiter.api.Test;

/**
 * The DOCX export against a golden outline: every paragraph with its style, every table with its
 * size and header row. A change to the document's structure shows up as a diff of
 * {@code src/test/resources/lessonplan/plan.docx.outline}; run with {@code -Dgolden.update=true}
 * to write the new outline, then review it.
 */
class LessonPlanDocxTest {

    static final String GOLDEN = "lessonplan/plan.docx.outline";

    @Test
    void theDocumentHasTheTemplatesHeadingsTheProcessTableAndTheAiLabel() throws IOException {
        byte[] docx = LessonPlanDocx.write(new LessonPlanMarkdown.Inputs(LessonPlanChecksTest.GOOD,
                LessonPlanChecksTest.CONTEXT, LessonTemplates.defaults(), List.of("模型引用了本次没有检索到的资料 S9，该引用已删除"),
                Map.of(100L, LessonPlanChecksTest.item(100, 1, 10))));
        String outline = outline(docx);

        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources", GOLDEN), outline, StandardCharsets.UTF_8);
        }
        try (InputStream golden = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
            assertThat(golden).as("golden file %s", GOLDEN).isNotNull();
            assertThat(outline).isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8));
        }
        // The parts the outline must never lose, whatever else changes.
        assertThat(outline).contains("P[Title] 勾股定理").contains("P[] 本教学设计由AI辅助生成，请教师审核")
                .contains("P[Heading1] 教学过程").contains("T 5x5 | 环节 | 时间 | 教师活动 | 学生活动 | 设计意图");
    }

    @Test
    void aSchoolsTemplateDecidesTheSectionsAndTheirHeadings() throws IOException {
        List<LessonTemplates.Heading> template = List.of(new LessonTemplates.Heading(Section.PROCESS, "教学流程"),
                new LessonTemplates.Heading(Section.OBJECTIVES, "学习目标"));
        String outline = outline(LessonPlanDocx.write(new LessonPlanMarkdown.Inputs(LessonPlanChecksTest.GOOD,
                LessonPlanChecksTest.CONTEXT, template, List.of(), Map.of())));

        List<String> headings = outline.lines().filter(line -> line.startsWith("P[Heading1]")).toList();
        assertThat(headings).containsExactly("P[Heading1] 教学流程", "P[Heading1] 学习目标");
    }

    /** Paragraphs as "P[style] text", tables as "T rows x columns | header cells". */
    static String outline(byte[] docx) throws IOException {
        List<String> lines = new ArrayList<>();
        try (XWPFDocument doc = new XWPFDocument(new ByteArrayInputStream(docx))) {
            lines.add("styles: " + doc.getStyles().getStyle("Heading1").getName() + ", "
                    + doc.getStyles().getStyle("Heading2").getName());
            for (IBodyElement element : doc.getBodyElements()) {
                if (element instanceof XWPFParagraph p) {
                    lines.add("P[" + (p.getStyle() == null ? "" : p.getStyle()) + "] " + p.getText().replace("\n", "⏎"));
                } else if (element instanceof XWPFTable t) {
                    lines.add("T " + t.getNumberOfRows() + "x" + t.getRow(0).getTableCells().size() + " | "
                            + String.join(" | ", t.getRow(0).getTableCells().stream().map(XWPFTableCell::getText).toList()));
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
