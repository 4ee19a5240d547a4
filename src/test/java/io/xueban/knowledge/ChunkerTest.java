package io.xueban.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ChunkerTest {

    @Test
    void headingsStartPassagesAndArePathedOutermostFirst() {
        List<ChunkDraft> chunks = new Chunker(200, 20).chunk(List.of(
                Block.heading(1, "勾股定理", 0),
                Block.paragraph("执教：周立新", 0),
                Block.heading(2, "一、教学目标", 0),
                Block.paragraph("掌握勾股定理。", 0),
                Block.heading(2, "二、教学过程", 0),
                Block.heading(3, "环节一：情境引入", 0),
                Block.paragraph("观察赵爽弦图。", 0),
                Block.heading(2, "三、板书设计", 0),
                Block.paragraph("a² + b² = c²", 0)));

        assertThat(chunks).extracting(ChunkDraft::headingPath, ChunkDraft::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("勾股定理", "执教：周立新"),
                org.assertj.core.groups.Tuple.tuple("勾股定理 > 一、教学目标", "掌握勾股定理。"),
                org.assertj.core.groups.Tuple.tuple("勾股定理 > 二、教学过程 > 环节一：情境引入", "观察赵爽弦图。"),
                org.assertj.core.groups.Tuple.tuple("勾股定理 > 三、板书设计", "a² + b² = c²"));
        assertThat(chunks).extracting(ChunkDraft::ordinal).containsExactly(0, 1, 2, 3);
    }

    @Test
    void longSectionsAreCutAtSentenceEndsWithinTheLimitAndOverlap() {
        StringBuilder paragraph = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            paragraph.append("第").append(i).append("句说明二次根式的乘法法则。");
        }
        List<ChunkDraft> chunks = new Chunker(120, 30).chunk(List.of(
                Block.heading(1, "法则", 0), Block.paragraph(paragraph.toString(), 0)));

        assertThat(chunks).hasSizeGreaterThan(4);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.text().length()).isLessThanOrEqualTo(120);
            assertThat(chunk.headingPath()).isEqualTo("法则");
            assertThat(chunk.text()).endsWith("。");
        });
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1).text();
            String lastSentence = previous.substring(previous.lastIndexOf('第'));
            assertThat(chunks.get(i).text()).as("passage %d repeats the last sentence of the one before", i)
                    .startsWith(lastSentence);
        }
        String joined = String.join("", chunks.stream().map(ChunkDraft::text).toList());
        for (int i = 1; i <= 40; i++) {
            assertThat(joined).contains("第" + i + "句");
        }
    }

    @Test
    void longTablesAreCutBetweenRowsAndRepeatTheHeader() {
        List<String> rows = new ArrayList<>(List.of("环节 | 教师活动 | 学生活动"));
        for (int i = 1; i <= 30; i++) {
            rows.add("环节" + i + " | 提出问题" + i + " | 思考讨论" + i);
        }
        List<ChunkDraft> chunks = new Chunker(150, 0).chunk(List.of(
                Block.heading(2, "教学过程", 0), Block.table(String.join("\n", rows), 0)));

        assertThat(chunks).hasSizeGreaterThan(3);
        List<String> seen = new ArrayList<>();
        for (ChunkDraft chunk : chunks) {
            List<String> lines = chunk.text().lines().toList();
            assertThat(lines.getFirst()).isEqualTo(rows.getFirst());
            assertThat(chunk.text().length()).isLessThanOrEqualTo(150);
            seen.addAll(lines.subList(1, lines.size()));
        }
        assertThat(seen).containsExactlyElementsOf(rows.subList(1, rows.size()));
    }

    @Test
    void passagesRememberTheirPage() {
        List<ChunkDraft> chunks = new Chunker(100, 0).chunk(List.of(
                Block.heading(1, "1.1 Theorem", 1), Block.paragraph("On page one.", 1),
                Block.heading(1, "1.2 Converse", 2), Block.paragraph("On page two.", 2)));

        assertThat(chunks).extracting(ChunkDraft::page).containsExactly(1, 2);
    }

    @Test
    void aDocumentOfAHundredThousandTinySectionsIsMergedWithinThePassageLimit() {
        StringBuilder markdown = new StringBuilder();
        for (int i = 1; i <= 100_000; i++) {
            markdown.append("## 小节 ").append(i).append("\n\n第 ").append(i).append(" 条。\n\n");
        }
        byte[] file = markdown.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(file.length).isGreaterThan(2_000_000);
        List<Block> blocks = new TextExtractor().extract(file, SourceFormat.MARKDOWN);
        Chunker chunker = new Chunker(500, 80);

        assertThat(chunker.chunk(blocks)).hasSize(100_000);
        List<ChunkDraft> merged = chunker.chunkWithin(blocks, KnowledgeIngestion.MAX_PASSAGES).orElseThrow();
        assertThat(merged).hasSizeBetween(1_000, KnowledgeIngestion.MAX_PASSAGES);
        assertThat(merged).allSatisfy(chunk -> assertThat(chunk.text().length()).isLessThanOrEqualTo(500));
        // Nothing is lost: the headings after a passage's first are lines of its text.
        String joined = String.join("\n", merged.stream().map(ChunkDraft::text).toList());
        assertThat(merged.getFirst().headingPath()).isEqualTo("小节 1");
        assertThat(joined).contains("第 1 条。\n小节 2\n第 2 条。").contains("小节 100000").contains("第 100000 条。");
        assertThat(merged.get(10).headingPath()).startsWith("小节 ");
        // An ordinary document is cut as before: tiny sections stay passages of their own.
        assertThat(chunker.chunkWithin(blocks.subList(0, 200), KnowledgeIngestion.MAX_PASSAGES).orElseThrow()).hasSize(100);
        assertThat(chunker.chunkWithin(blocks, 100)).isEmpty();
    }
}
