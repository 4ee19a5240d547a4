package io.xueban.llm;

/**
 * Removes {@code <think>…</think>} sections from streamed text, tags split across tokens
 * included, and the blank lines a reasoning model leaves after its thinking. Not thread-safe:
 * one per call.
 */
final class ThinkTagFilter {

    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    private final StringBuilder pending = new StringBuilder();
    private boolean thinking;
    private boolean trimLeading = true;

    /** The visible part of this chunk (may be empty while a possible tag is still incomplete). */
    String accept(String chunk) {
        pending.append(chunk);
        StringBuilder out = new StringBuilder();
        while (!pending.isEmpty()) {
            String tag = thinking ? CLOSE : OPEN;
            int at = pending.indexOf(tag);
            if (at >= 0) {
                if (!thinking) {
                    out.append(pending, 0, at);
                }
                pending.delete(0, at + tag.length());
                thinking = !thinking;
                if (!thinking) {
                    trimLeading = true;
                }
                continue;
            }
            // Keep back a tail that could be the start of a tag; pass (or drop) the rest.
            int keep = partialTagAtEnd(pending, tag);
            if (!thinking) {
                out.append(pending, 0, pending.length() - keep);
            }
            pending.delete(0, pending.length() - keep);
            break;
        }
        return trim(out);
    }

    /** Whatever is left when the stream ends (an unfinished tag was just text). */
    String finish() {
        String rest = thinking ? "" : pending.toString();
        pending.setLength(0);
        return trim(new StringBuilder(rest));
    }

    private String trim(StringBuilder out) {
        if (trimLeading) {
            int i = 0;
            while (i < out.length() && Character.isWhitespace(out.charAt(i))) {
                i++;
            }
            out.delete(0, i);
            if (!out.isEmpty()) {
                trimLeading = false;
            }
        }
        return out.toString();
    }

    private static int partialTagAtEnd(CharSequence text, String tag) {
        for (int length = Math.min(tag.length() - 1, text.length()); length > 0; length--) {
            if (tag.startsWith(text.subSequence(text.length() - length, text.length()).toString())) {
                return length;
            }
        }
        return 0;
    }

    /** Removes thinking from a complete text. */
    static String strip(String text) {
        ThinkTagFilter filter = new ThinkTagFilter();
        return filter.accept(text) + filter.finish();
    }
}
