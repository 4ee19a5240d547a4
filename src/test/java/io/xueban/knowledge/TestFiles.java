package io.xueban.knowledge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFTable;

/** Real DOCX and PDF files, written the way Word and PDF producers write them, for ingestion tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** A paragraph of a DOCX: a heading when {@code style} is "Heading1", "Heading2"…, else body text. */
    record Para(String style, String text) {
        static Para heading(int level, String text) {
            return new Para("Heading" + level, text);
        }

        static Para body(String text) {
            return new Para(null, text);
        }
    }

    static byte[] docx(List<Para> paragraphs, List<List<String>> tableRows) {
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (Para para : paragraphs) {
                XWPFParagraph paragraph = document.createParagraph();
                if (para.style() != null) {
                    paragraph.setStyle(para.style());
                }
                paragraph.createRun().setText(para.text());
            }
            if (!tableRows.isEmpty()) {
                XWPFTable table = document.createTable(tableRows.size(), tableRows.getFirst().size());
                for (int r = 0; r < tableRows.size(); r++) {
                    for (int c = 0; c < tableRows.get(r).size(); c++) {
                        table.getRow(r).getCell(c).setText(tableRows.get(r).get(c));
                    }
                }
            }
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF with one page per entry, each page's lines in Helvetica (no CJK font is installed here). */
    static byte[] pdf(List<List<String>> pages, String userPassword) {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (List<String> lines : pages) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.beginText();
                    content.setFont(font, 12);
                    content.setLeading(16);
                    content.newLineAtOffset(60, 720);
                    for (String line : lines) {
                        content.showText(line);
                        content.newLine();
                    }
                    content.endText();
                }
            }
            if (userPassword != null) {
                StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", userPassword,
                        new AccessPermission());
                policy.setEncryptionKeyLength(128);
                document.protect(policy);
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
