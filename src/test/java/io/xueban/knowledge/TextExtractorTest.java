package io.xueban.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.xueban.system.ApiException;

class TextExtractorTest {

    private final TextExtractor extractor = new TextExtractor();

    @Test
    void markdownKeepsHeadingsTablesAndParagraphsAndSkipsFrontMatter() {
        String markdown = """
                ---
                title: 示例
                kind: TEACHING_NOTE
                ---
                # 二次根式的乘法
                执教：陈慧敏
                
                ## 一、教学目标
                1. 掌握 **√a · √b = √(ab)**（a ≥ 0，b ≥ 0）。
                2. 会进行乘法运算。
                
                | 环节 | 时间 |
                |---|---|
                | 情境引入 | 5 分钟 |
                """;
        List<Block> blocks = extractor.extract(markdown.getBytes(StandardCharsets.UTF_8), SourceFormat.MARKDOWN);

        assertThat(blocks).containsExactly(
                Block.heading(1, "二次根式的乘法", 0),
                Block.paragraph("执教：陈慧敏", 0),
                Block.heading(2, "一、教学目标", 0),
                Block.paragraph("1. 掌握 √a · √b = √(ab)（a ≥ 0，b ≥ 0）。\n2. 会进行乘法运算。", 0),
                Block.table("环节 | 时间\n情境引入 | 5 分钟", 0));
    }

    @Test
    void plainTextRecognisesNumberedChineseHeadings() {
        String text = "第一章 勾股定理\n\n一、教学目标\n理解勾股定理的内容。\n\n（一）知识与技能\n会由两边求第三边。\n";
        List<Block> blocks = extractor.extract(text.getBytes(StandardCharsets.UTF_8), SourceFormat.TEXT);

        assertThat(blocks).extracting(Block::kind, Block::level, Block::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Block.Kind.HEADING, 1, "第一章 勾股定理"),
                org.assertj.core.groups.Tuple.tuple(Block.Kind.HEADING, 2, "一、教学目标"),
                org.assertj.core.groups.Tuple.tuple(Block.Kind.PARAGRAPH, 0, "理解勾股定理的内容。"),
                org.assertj.core.groups.Tuple.tuple(Block.Kind.HEADING, 3, "（一）知识与技能"),
                org.assertj.core.groups.Tuple.tuple(Block.Kind.PARAGRAPH, 0, "会由两边求第三边。"));
    }

    @Test
    void docxHeadingsFromStylesAndNumberingAndTablesByRow() {
        byte[] docx = TestFiles.docx(List.of(
                TestFiles.Para.heading(1, "勾股定理的应用"),
                TestFiles.Para.body("二、教学过程"),
                TestFiles.Para.heading(3, "环节一：梯子滑动"),
                TestFiles.Para.body("一架 2.5 米长的梯子斜靠在墙上。")),
                List.of(List.of("环节", "时间"), List.of("情境引入", "5 分钟")));

        List<Block> blocks = extractor.extract(docx, SourceFormat.DOCX);

        assertThat(blocks).containsExactly(
                Block.heading(1, "勾股定理的应用", 0),
                Block.heading(2, "二、教学过程", 0),
                Block.heading(3, "环节一：梯子滑动", 0),
                Block.paragraph("一架 2.5 米长的梯子斜靠在墙上。", 0),
                Block.table("环节 | 时间\n情境引入 | 5 分钟", 0));
    }

    @Test
    void pdfKeepsPagesAndJoinsLinesIntoParagraphs() {
        byte[] pdf = TestFiles.pdf(List.of(
                List.of("1.1 Pythagorean theorem", "In a right triangle the squares of the legs", "add up to the square of the hypotenuse."),
                List.of("1.2 Converse", "If a^2 + b^2 = c^2 the triangle is right.")), null);

        List<Block> blocks = extractor.extract(pdf, SourceFormat.PDF);

        assertThat(blocks).containsExactly(
                Block.heading(3, "1.1 Pythagorean theorem", 1),
                Block.paragraph("In a right triangle the squares of the legs add up to the square of the hypotenuse.", 1),
                Block.heading(3, "1.2 Converse", 2),
                Block.paragraph("If a^2 + b^2 = c^2 the triangle is right.", 2));
    }

    @Test
    void encryptedPdfIsRejectedWithItsReason() {
        byte[] pdf = TestFiles.pdf(List.of(List.of("secret lesson")), "user-secret");

        assertThatThrownBy(() -> extractor.extract(pdf, SourceFormat.PDF))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("pdf-encrypted");
                    assertThat(e.status().value()).isEqualTo(422);
                });
    }

    @Test
    void emptyRenamedDamagedAndNonUtf8FilesAreRejected() {
        assertThat(code(new byte[0], SourceFormat.MARKDOWN)).isEqualTo("empty-file");
        assertThat(code("不是 Word 文件".getBytes(StandardCharsets.UTF_8), SourceFormat.DOCX)).isEqualTo("file-not-docx");
        assertThat(code(TestFiles.pdf(List.of(List.of("x")), null), SourceFormat.MARKDOWN)).isEqualTo("file-not-markdown");
        assertThat(code("PK\u0003\u0004 truncated".getBytes(StandardCharsets.ISO_8859_1), SourceFormat.DOCX))
                .isEqualTo("docx-unreadable");
        assertThat(code("%PDF-1.7 truncated".getBytes(StandardCharsets.ISO_8859_1), SourceFormat.PDF))
                .isIn("pdf-unreadable", "pdf-without-text");
        assertThat(code("勾股定理".getBytes(java.nio.charset.Charset.forName("GBK")), SourceFormat.TEXT))
                .isEqualTo("text-not-utf8");
        assertThat(code("# 只有标题\n".getBytes(StandardCharsets.UTF_8), SourceFormat.MARKDOWN)).isEqualTo("no-text");
        assertThat(code(TestFiles.pdf(List.of(List.of()), null), SourceFormat.PDF)).isEqualTo("pdf-without-text");
    }

    private String code(byte[] content, SourceFormat format) {
        try {
            extractor.extract(content, format);
            return "accepted";
        } catch (ApiException e) {
            assertThat(e.status().value()).isEqualTo(422);
            return e.code();
        }
    }
}
