package io.xueban.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts a document's blocks into passages that follow its structure: a heading always starts a
 * new passage and every passage remembers the headings above it; within a section, passages
 * are filled up to {@code maxChars} and the next one repeats the last {@code overlapChars} of
 * the previous one. Long paragraphs are cut at sentence ends, long tables between rows (each
 * part repeats the header row); a table row is never cut. A document that would come out in more
 * than its limit of passages (thousands of tiny sections) is cut again with tiny sections merged:
 * a heading then starts a new passage only once the current one holds half a passage.
 */
final class Chunker {

    static final String PATH_SEPARATOR = " > ";

    private final int maxChars;
    private final int overlapChars;

    Chunker(int maxChars, int overlapChars) {
        if (maxChars < 50 || overlapChars < 0 || overlapChars >= maxChars / 2) {
            throw new IllegalArgumentException("need maxChars >= 50 and 0 <= overlapChars < maxChars / 2");
        }
        this.maxChars = maxChars;
        this.overlapChars = overlapChars;
    }

    List<ChunkDraft> chunk(List<Block> blocks) {
        return chunk(blocks, 0);
    }

    /**
     * The passages, merging tiny sections if that is what it takes to stay within
     * {@code maxPassages}; empty if even that does not.
     */
    Optional<List<ChunkDraft>> chunkWithin(List<Block> blocks, int maxPassages) {
        List<ChunkDraft> chunks = chunk(blocks, 0);
        if (chunks.size() > maxPassages) {
            chunks = chunk(blocks, maxChars / 2);
        }
        return chunks.size() <= maxPassages ? Optional.of(chunks) : Optional.empty();
    }

    /** @param mergeBelow a heading starts a new passage only when the current one has at least this many characters */
    private List<ChunkDraft> chunk(List<Block> blocks, int mergeBelow) {
        Builder builder = new Builder(mergeBelow);
        for (Block block : blocks) {
            switch (block.kind()) {
                case HEADING -> builder.heading(block);
                case PARAGRAPH -> {
                    List<String> sentences = sentences(block.text());
                    for (int i = 0; i < sentences.size(); i++) {
                        builder.add(sentences.get(i), block.page(), i > 0);
                    }
                }
                case TABLE -> tableParts(block.text()).forEach(part -> builder.add(part, block.page(), false));
            }
        }
        builder.emit();
        return builder.chunks;
    }

    /** A paragraph as its sentences; a sentence longer than maxChars is cut into maxChars pieces. */
    private List<String> sentences(String paragraph) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < paragraph.length(); i++) {
            boolean end = i == paragraph.length() - 1 || Headings.endsSentence(String.valueOf(paragraph.charAt(i)))
                    || paragraph.charAt(i) == '\n';
            if (end) {
                String sentence = paragraph.substring(start, i + 1);
                start = i + 1;
                for (int from = 0; from < sentence.length(); from += maxChars) {
                    sentences.add(sentence.substring(from, Math.min(sentence.length(), from + maxChars)));
                }
            }
        }
        return sentences;
    }

    /** A table as parts of whole rows, each part led by the header row. */
    private List<String> tableParts(String table) {
        if (table.length() <= maxChars) {
            return List.of(table);
        }
        List<String> rows = table.lines().toList();
        String header = rows.getFirst();
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder(header);
        for (String row : rows.subList(1, rows.size())) {
            if (part.length() + 1 + row.length() > maxChars && part.length() > header.length()) {
                parts.add(part.toString());
                part = new StringBuilder(header);
            }
            part.append('\n').append(row);
        }
        parts.add(part.toString());
        return parts;
    }

    private final class Builder {

        final List<ChunkDraft> chunks = new ArrayList<>();
        final List<Block> path = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        final int mergeBelow;
        /** The heading path of the passage being filled, fixed when its first text came. */
        String passagePath;
        Integer page;

        Builder(int mergeBelow) {
            this.mergeBelow = mergeBelow;
        }

        void heading(Block heading) {
            path.removeIf(open -> open.level() >= heading.level());
            path.add(heading);
            if (!text.isEmpty() && text.length() < mergeBelow) {
                // A tiny section: its heading goes into the passage as a line of text.
                add(heading.text(), heading.page(), false);
                return;
            }
            emit();
        }

        /** Adds a sentence (continuing the paragraph before it, or starting one) or a table part. */
        void add(String unit, int unitPage, boolean continuesParagraph) {
            if (!text.isEmpty() && text.length() + 1 + unit.length() > maxChars) {
                String tail = overlapTail();
                emit();
                passagePath = currentPath();
                if (tail.length() + 1 + unit.length() <= maxChars) {
                    text.append(tail);
                }
            }
            if (page == null && unitPage > 0) {
                page = unitPage;
            }
            if (!text.isEmpty() && !continuesParagraph) {
                text.append('\n');
            }
            if (text.isEmpty()) {
                passagePath = currentPath();
            }
            text.append(unit);
        }

        /** The end of the current passage, started at a sentence boundary when one is near. */
        private String overlapTail() {
            if (overlapChars == 0 || text.length() <= overlapChars) {
                return "";
            }
            String tail = text.substring(text.length() - overlapChars);
            for (int i = 0; i < tail.length() - 1; i++) {
                if (Headings.endsSentence(String.valueOf(tail.charAt(i))) || tail.charAt(i) == '\n') {
                    return tail.substring(i + 1).strip();
                }
            }
            return tail.strip();
        }

        private String currentPath() {
            return String.join(PATH_SEPARATOR, path.stream().map(Block::text).toList());
        }

        void emit() {
            String body = text.toString().strip();
            text.setLength(0);
            if (body.isEmpty()) {
                return;
            }
            chunks.add(new ChunkDraft(chunks.size(), passagePath, page, body));
            page = null;
        }
    }
}
