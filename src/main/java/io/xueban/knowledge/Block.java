package io.xueban.knowledge;

/**
 * One structural piece of an extracted document, in reading order: a heading (with its level,
 * 1 = outermost), a paragraph, or a table (rows as lines, cells separated by " | ").
 *
 * @param page the PDF page the block starts on, or 0 when the format has no pages
 */
record Block(Kind kind, int level, String text, int page) {

    enum Kind { HEADING, PARAGRAPH, TABLE }

    static Block heading(int level, String text, int page) {
        return new Block(Kind.HEADING, level, text, page);
    }

    static Block paragraph(String text, int page) {
        return new Block(Kind.PARAGRAPH, 0, text, page);
    }

    static Block table(String text, int page) {
        return new Block(Kind.TABLE, 0, text, page);
    }
}
