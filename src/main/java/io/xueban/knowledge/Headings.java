package io.xueban.knowledge;

import java.util.regex.Pattern;

/**
 * Recognises the numbered headings of Chinese teaching documents in formats that carry no
 * heading markup (plain text, PDF, DOCX written without heading styles): 第一章, 第二节,
 * 一、, （一）, 1.1 and the like.
 */
final class Headings {

    private static final String CN = "[一二三四五六七八九十百零〇]+";
    private static final Pattern CHAPTER = Pattern.compile("^第" + CN + "[章单]\\S*.*");
    private static final Pattern SECTION = Pattern.compile("^第" + CN + "[节课时环部]\\S*.*");
    private static final Pattern CN_NUMBER = Pattern.compile("^" + CN + "[、．.]\\s*\\S.*");
    private static final Pattern CN_PAREN = Pattern.compile("^[（(]" + CN + "[）)]\\s*\\S.*");
    private static final Pattern DECIMAL_2 = Pattern.compile("^\\d{1,2}\\.\\d{1,2}\\s+\\S.*");
    private static final int MAX_HEADING_CHARS = 40;

    private Headings() {
    }

    /** The level of a numbered heading line (1 = outermost), or 0 when the line is not one. */
    static int levelOf(String line) {
        String text = line.strip();
        if (text.isEmpty() || text.length() > MAX_HEADING_CHARS || endsLikeSentence(text)) {
            return 0;
        }
        if (CHAPTER.matcher(text).matches()) {
            return 1;
        }
        if (SECTION.matcher(text).matches() || CN_NUMBER.matcher(text).matches()) {
            return 2;
        }
        if (CN_PAREN.matcher(text).matches() || DECIMAL_2.matcher(text).matches()) {
            return 3;
        }
        return 0;
    }

    /** Whether a line ends a sentence (so a PDF paragraph ends with it). */
    static boolean endsSentence(String line) {
        return !line.isEmpty() && "。；;！!？?".indexOf(line.charAt(line.length() - 1)) >= 0;
    }

    private static boolean endsLikeSentence(String text) {
        char last = text.charAt(text.length() - 1);
        return "。；;！!？?，,：:".indexOf(last) >= 0;
    }
}
