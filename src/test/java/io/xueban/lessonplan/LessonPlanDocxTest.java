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

import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.ItemType;

/**
 * The DOCX export against a golden outline: every paragraph with its style, every table with its
 * size and header row. A change to the document's structure shows up as a diff of
 * {@code src/test/resources/lessonplan/plan.docx.outline}; run with {@code -Dgolden.update=true}
 * to write the new outline, then review it.
 */
class LessonPlanDocxTest {

    static final String GOLDEN = "lessonplan/plan.docx.outline";
    static final AiLabel LABEL = new AiLabel("lesson-plan-7-v2", "教学设计-7-v2");
    /** A choice item of the bank, with its options, key and explanation. */
    static final ItemFacts CHOICE = new ItemFacts(100, 1, "M8-073", ItemType.SINGLE_CHOICE, "直角三角形两直角边为 3 和 4，斜边为（　　）",
            List.of("5", "6", "7", "25"), "A", "由勾股定理，斜边² = 3² + 4² = 25，斜边为 5。", List.of(10L), BloomLevel.APPLY, null);

    @Test
    void theFileCarriesTheImplicitAiLabelInItsMetadata() throws IOException {
        byte[] docx = LessonPlanDocx.write(new LessonPlanMarkdown.Inputs(LessonPlanChecksTest.GOOD,
                LessonPlanChecksTest.CONTEXT, LessonTemplates.defaults(), List.of(), Map.of(100L, CHOICE)), LABEL);

        try (XWPFDocument doc = new XWPFDocument(new ByteArrayInputStream(docx))) {
            var properties = doc.getProperties();
            String aigc = properties.getCustomProperties().getProperty("AIGC").getLpwstr();
            assertThat(new tools.jackson.databind.json.JsonMapper().readTree(aigc).properties().stream()
                    .map(field -> field.getKey() + "=" + field.getValue().asString()).toList())
                    .containsExactly("Label=1", "ContentProducer=学伴 Xueban", "ProduceID=lesson-plan-7-v2", "ReservedCode1=",
                            "ContentPropagator=学伴 Xueban", "PropagateID=教学设计-7-v2", "ReservedCode2=");
            assertThat(properties.getCoreProperties().getDescription()).isEqualTo("本教学设计由AI辅助生成，请教师审核");
            assertThat(properties.getCoreProperties().getTitle()).isEqualTo("勾股定理");
        }
    }

    @Test
    void theTeachersCopyShowsAChoiceItemsOptionsKeyAndExplanationAndTheStudentsCopyOnlyItsOptions() throws IOException {
        LessonPlanMarkdown.Inputs inputs = new LessonPlanMarkdown.Inputs(LessonPlanChecksTest.GOOD,
                LessonPlanChecksTest.CONTEXT, LessonTemplates.defaults(), List.of(), Map.of(100L, CHOICE));

        String teacher = outline(LessonPlanDocx.write(inputs, LABEL));
        assertThat(teacher).contains("P[] 1. 直角三角形两直角边为 3 和 4，斜边为（　　）（题库 M8-073）",
                "P[] A. 5　B. 6　C. 7　D. 25", "P[] 答案：A；解析：由勾股定理，斜边² = 3² + 4² = 25，斜边为 5。");

        String students = outline(LessonPlanDocx.worksheet(inputs, LABEL));
        assertThat(students).contains("P[Title] 勾股定理（学生练习单）", "P[] 本教学设计由AI辅助生成，请教师审核",
                "P[] 1. 直角三角形两直角边为 3 和 4，斜边为（　　）", "P[] A. 5　B. 6　C. 7　D. 25")
                .doesNotContain("答案", "解析", "M8-073", "教学过程", "名学生");
        assertThat(LessonPlanMarkdown.worksheet(inputs)).doesNotContain("答案", "解析").contains("A. 5　B. 6");
    }

    @Test
    void theDocumentHasTheTemplatesHeadingsTheProcessTableAndTheAiLabel() throws IOException {
        byte[] docx = LessonPlanDocx.write(new LessonPlanMarkdown.Inputs(LessonPlanChecksTest.GOOD,
                LessonPlanChecksTest.CONTEXT, LessonTemplates.defaults(), List.of("模型引用了本次没有检索到的资料 S9，该引用已删除"),
                Map.of(100L, LessonPlanChecksTest.item(100, 1, 10))), LABEL);
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
                LessonPlanChecksTest.CONTEXT, template, List.of(), Map.of()), LABEL));

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
