package io.xueban.knowledge;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xwpf.usermodel.IBodyElement;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableCell;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import io.xueban.system.ApiException;

/**
 * Turns an uploaded file into structural blocks (headings, paragraphs, tables) in reading
 * order. A file that cannot be read, is encrypted or holds no text is rejected with 422 and the
 * reason; nothing is stored for it.
 */
@Component
class TextExtractor {

    private static final Pattern MD_HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern MD_TABLE_RULE = Pattern.compile("^\\|?\\s*:?-{2,}.*");

    List<Block> extract(byte[] content, SourceFormat format) {
        if (content.length == 0) {
            throw unprocessable("empty-file");
        }
        if (!format.matches(content)) {
            throw unprocessable("file-not-" + format.name().toLowerCase(Locale.ROOT));
        }
        List<Block> blocks = switch (format) {
            case MARKDOWN -> markdown(decode(content));
            case TEXT -> plainText(decode(content));
            case DOCX -> docx(content);
            case PDF -> pdf(content);
        };
        if (blocks.stream().noneMatch(block -> block.kind() != Block.Kind.HEADING)) {
            throw unprocessable(format == SourceFormat.PDF ? "pdf-without-text" : "no-text");
        }
        return blocks;
    }

    static ApiException unprocessable(String code, Object... args) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, code, args);
    }

    private static String decode(byte[] content) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw unprocessable("text-not-utf8");
        }
    }

    /** Markdown: ATX headings, pipe tables, paragraphs separated by blank lines; front matter skipped. */
    static List<Block> markdown(String text) {
        List<String> lines = text.replace("\r\n", "\n").replace('\r', '\n').lines().toList();
        int start = frontMatterEnd(lines);
        List<Block> blocks = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        StringBuilder table = new StringBuilder();
        boolean fenced = false;
        for (int i = start; i < lines.size(); i++) {
            String line = lines.get(i);
            String stripped = line.strip();
            if (stripped.startsWith("```") || stripped.startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                append(paragraph, line);
                continue;
            }
            Matcher heading = MD_HEADING.matcher(stripped);
            boolean tableLine = stripped.startsWith("|");
            if (!tableLine) {
                flush(blocks, table, Block.Kind.TABLE, 0);
            }
            if (heading.matches()) {
                flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
                blocks.add(Block.heading(heading.group(1).length(), inline(heading.group(2)), 0));
            } else if (tableLine) {
                flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
                if (!MD_TABLE_RULE.matcher(stripped).matches()) {
                    append(table, tableRow(stripped));
                }
            } else if (stripped.isEmpty()) {
                flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
            } else {
                append(paragraph, inline(stripped));
            }
        }
        flush(blocks, table, Block.Kind.TABLE, 0);
        flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
        return blocks;
    }

    private static int frontMatterEnd(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().strip().equals("---")) {
            return 0;
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("---")) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Emphasis markers are layout, not content. */
    private static String inline(String text) {
        return text.replace("**", "").replace("__", "");
    }

    private static String tableRow(String line) {
        String row = line.strip();
        row = row.substring(1);
        if (row.endsWith("|")) {
            row = row.substring(0, row.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        for (String cell : row.split("\\|", -1)) {
            cells.add(inline(cell.strip()));
        }
        return String.join(" | ", cells);
    }

    /** Plain text: paragraphs separated by blank lines; numbered Chinese headings recognised. */
    static List<Block> plainText(String text) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String line : text.replace("\r\n", "\n").replace('\r', '\n').lines().toList()) {
            String stripped = line.strip();
            int level = Headings.levelOf(stripped);
            if (level > 0) {
                flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
                blocks.add(Block.heading(level, stripped, 0));
            } else if (stripped.isEmpty()) {
                flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
            } else {
                append(paragraph, stripped);
            }
        }
        flush(blocks, paragraph, Block.Kind.PARAGRAPH, 0);
        return blocks;
    }

    private static List<Block> docx(byte[] content) {
        try (XWPFDocument document = new XWPFDocument(new ByteArrayInputStream(content))) {
            List<Block> blocks = new ArrayList<>();
            for (IBodyElement element : document.getBodyElements()) {
                if (element instanceof XWPFParagraph paragraph) {
                    String text = paragraph.getText().strip();
                    if (text.isEmpty()) {
                        continue;
                    }
                    int level = headingLevel(document, paragraph);
                    if (level == 0) {
                        level = Headings.levelOf(text);
                    }
                    blocks.add(level > 0 ? Block.heading(level, text, 0) : Block.paragraph(text, 0));
                } else if (element instanceof XWPFTable table) {
                    StringBuilder rows = new StringBuilder();
                    for (XWPFTableRow row : table.getRows()) {
                        List<String> cells = new ArrayList<>();
                        for (XWPFTableCell cell : row.getTableCells()) {
                            cells.add(cell.getText().strip().replace('\n', ' '));
                        }
                        append(rows, String.join(" | ", cells));
                    }
                    flush(blocks, rows, Block.Kind.TABLE, 0);
                }
            }
            return blocks;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw unprocessable("docx-unreadable");
        }
    }

    /** Heading level from the paragraph style ("heading 2", "标题 2", "Title") or its outline level. */
    private static int headingLevel(XWPFDocument document, XWPFParagraph paragraph) {
        String styleId = paragraph.getStyleID();
        if (styleId != null) {
            XWPFStyle style = document.getStyles() == null ? null : document.getStyles().getStyle(styleId);
            String name = style == null ? styleId : style.getName();
            Matcher level = Pattern.compile("(?i)(?:heading|标题)\\s*(\\d)").matcher(name);
            if (level.find()) {
                return Integer.parseInt(level.group(1));
            }
            if (name.equalsIgnoreCase("title") || name.equals("标题")) {
                return 1;
            }
        }
        var properties = paragraph.getCTP().getPPr();
        if (properties != null && properties.getOutlineLvl() != null) {
            return properties.getOutlineLvl().getVal().intValue() + 1;
        }
        return 0;
    }

    /**
     * PDF: text page by page. Lines are joined into paragraphs until one ends a sentence;
     * numbered headings start a new block. An encrypted PDF is rejected.
     */
    private static List<Block> pdf(byte[] content) {
        try (PDDocument document = Loader.loadPDF(content)) {
            if (document.isEncrypted() && !document.getCurrentAccessPermission().canExtractContent()) {
                throw unprocessable("pdf-encrypted");
            }
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            List<Block> blocks = new ArrayList<>();
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                StringBuilder paragraph = new StringBuilder();
                for (String line : stripper.getText(document).lines().toList()) {
                    String stripped = line.strip();
                    int level = Headings.levelOf(stripped);
                    if (level > 0) {
                        flush(blocks, paragraph, Block.Kind.PARAGRAPH, page);
                        blocks.add(Block.heading(level, stripped, page));
                    } else if (stripped.isEmpty()) {
                        flush(blocks, paragraph, Block.Kind.PARAGRAPH, page);
                    } else {
                        joinLine(paragraph, stripped);
                        if (Headings.endsSentence(stripped)) {
                            flush(blocks, paragraph, Block.Kind.PARAGRAPH, page);
                        }
                    }
                }
                flush(blocks, paragraph, Block.Kind.PARAGRAPH, page);
            }
            return blocks;
        } catch (InvalidPasswordException e) {
            throw unprocessable("pdf-encrypted");
        } catch (IOException e) {
            throw unprocessable("pdf-unreadable");
        }
    }

    /** A PDF line break inside a Chinese sentence is layout: join without a space. */
    private static void joinLine(StringBuilder paragraph, String line) {
        if (!paragraph.isEmpty()) {
            char last = paragraph.charAt(paragraph.length() - 1);
            char first = line.charAt(0);
            if (last < 0x2E80 || first < 0x2E80) {
                paragraph.append(' ');
            }
        }
        paragraph.append(line);
    }

    private static void append(StringBuilder buffer, String line) {
        if (!buffer.isEmpty()) {
            buffer.append('\n');
        }
        buffer.append(line);
    }

    private static void flush(List<Block> blocks, StringBuilder buffer, Block.Kind kind, int page) {
        String text = buffer.toString().strip();
        buffer.setLength(0);
        if (!text.isEmpty()) {
            blocks.add(new Block(kind, 0, text, page));
        }
    }
}
