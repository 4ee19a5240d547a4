package io.xueban.lessonplan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFRun;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTFonts;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTRPr;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

/**
 * A plan as a Word document (DOCX): the title and each section under the school's headings
 * (styles "Title", "Heading1", "Heading2", in 黑体, so Word's navigation pane and table of
 * contents see them), 教学过程 as a table, and the AI label under the title.
 */
final class LessonPlanDocx {

    static final List<String> PROCESS_COLUMNS = List.of("环节", "时间", "教师活动", "学生活动", "设计意图");

    private LessonPlanDocx() {
    }

    /** The teacher's copy: the whole plan, with the items' keys and explanations. */
    static byte[] write(LessonPlanMarkdown.Inputs in, AiLabel label) {
        return document(in.draft().title(), label, doc -> {
            PlanContext c = in.context();
            paragraph(doc, null, "班级：" + c.className() + "　学科：" + c.subjectName() + "　课型：" + c.lessonType() + "　课时："
                    + c.duration() + " 分钟");
            aiLabel(doc);
            for (String flag : in.flags()) {
                paragraph(doc, null, "注意：" + flag);
            }
            for (LessonTemplates.Heading heading : in.headings()) {
                paragraph(doc, "Heading1", heading.title());
                switch (heading.section()) {
                    case PROCESS -> process(doc, in.draft());
                    case HOMEWORK -> homework(doc, in);
                    default -> body(doc, LessonPlanMarkdown.body(heading.section(), in));
                }
            }
        });
    }

    /** The students' copy (学生练习单): the plan's items without keys. */
    static byte[] worksheet(LessonPlanMarkdown.Inputs in, AiLabel label) {
        return document(in.draft().title() + "（学生练习单）", label, doc -> {
            aiLabel(doc);
            LessonPlanMarkdown.worksheetSections(in).forEach((heading, body) -> {
                paragraph(doc, "Heading1", heading);
                body(doc, body);
            });
        });
    }

    private static byte[] document(String title, AiLabel label, java.util.function.Consumer<XWPFDocument> content) {
        try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XWPFStyles styles = doc.createStyles();
            style(styles, "Title", "标题", 36);
            style(styles, "Heading1", "标题 1", 30);
            style(styles, "Heading2", "标题 2", 26);
            label.writeTo(doc.getProperties(), title);
            paragraph(doc, "Title", title);
            content.accept(doc);
            doc.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The visible label, under the title. */
    private static void aiLabel(XWPFDocument doc) {
        XWPFRun run = doc.createParagraph().createRun();
        run.setBold(true);
        run.setText(LessonPlanMarkdown.AI_LABEL);
    }

    private static void process(XWPFDocument doc, LessonDraft draft) {
        XWPFTable table = doc.createTable(draft.process().size() + 2, PROCESS_COLUMNS.size());
        table.setWidth("100%");
        row(table.getRow(0), PROCESS_COLUMNS, true);
        for (int i = 0; i < draft.process().size(); i++) {
            LessonDraft.Stage s = draft.process().get(i);
            row(table.getRow(i + 1), List.of(s.name(), s.minutes() + " 分钟", s.teacherActivities(), s.studentActivities(),
                    s.intent()), false);
        }
        int total = draft.process().stream().mapToInt(LessonDraft.Stage::minutes).sum();
        row(table.getRow(draft.process().size() + 1), List.of("合计", total + " 分钟", "", "", ""), true);
    }

    private static void homework(XWPFDocument doc, LessonPlanMarkdown.Inputs in) {
        // The Markdown body carries "### 基础（…）" lines: those become second-level headings.
        body(doc, LessonPlanMarkdown.body(Section.HOMEWORK, in));
    }

    private static void row(XWPFTableRow row, List<String> cells, boolean bold) {
        for (int i = 0; i < cells.size(); i++) {
            XWPFParagraph p = row.getCell(i).getParagraphs().getFirst();
            String[] lines = cells.get(i).split("\n", -1);
            XWPFRun run = p.createRun();
            run.setBold(bold);
            for (int l = 0; l < lines.length; l++) {
                if (l > 0) {
                    run.addBreak();
                }
                run.setText(lines[l]);
            }
        }
    }

    /** A section's Markdown: "### " lines as second-level headings, tables as tables, fences dropped, the rest as is. */
    private static void body(XWPFDocument doc, String markdown) {
        List<List<String>> table = new ArrayList<>();
        for (String line : markdown.strip().split("\n")) {
            if (line.startsWith("|")) {
                if (!line.startsWith("|---")) {
                    table.add(List.of(line.replaceAll("^\\|\\s*|\\s*\\|$", "").split(" \\| ", -1)));
                }
                continue;
            }
            flushTable(doc, table);
            if (line.startsWith("```") || line.isBlank()) {
                continue;
            }
            if (line.startsWith("### ")) {
                paragraph(doc, "Heading2", line.substring(4));
            } else if (line.startsWith("   ")) {
                // A list entry's next line (an item's options, its key): indented under it.
                paragraph(doc, null, line.strip()).setIndentationLeft(420);
            } else {
                paragraph(doc, null, line.stripTrailing());
            }
        }
        flushTable(doc, table);
    }

    private static void flushTable(XWPFDocument doc, List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.getFirst().size();
        XWPFTable table = doc.createTable(rows.size(), columns);
        table.setWidth("100%");
        for (int r = 0; r < rows.size(); r++) {
            List<String> cells = new ArrayList<>(rows.get(r));
            while (cells.size() < columns) {
                cells.add("");
            }
            row(table.getRow(r), cells.subList(0, columns), r == 0);
        }
        rows.clear();
    }

    private static XWPFParagraph paragraph(XWPFDocument doc, String style, String text) {
        XWPFParagraph p = doc.createParagraph();
        if (style != null) {
            p.setStyle(style);
        }
        p.createRun().setText(text);
        return p;
    }

    private static void style(XWPFStyles styles, String id, String name, int halfPoints) {
        CTStyle ct = CTStyle.Factory.newInstance();
        ct.setStyleId(id);
        ct.setType(STStyleType.PARAGRAPH);
        ct.addNewName().setVal(name);
        ct.addNewQFormat();
        CTRPr rpr = ct.addNewRPr();
        rpr.addNewB();
        rpr.addNewSz().setVal(BigInteger.valueOf(halfPoints));
        CTFonts fonts = rpr.addNewRFonts();
        fonts.setEastAsia("黑体");
        fonts.setAscii("SimHei");
        fonts.setHAnsi("SimHei");
        styles.addStyle(new XWPFStyle(ct, styles));
    }
}
