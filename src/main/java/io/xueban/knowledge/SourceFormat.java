package io.xueban.knowledge;

import java.util.Locale;
import java.util.Optional;

/** The file formats the library reads, recognised by name and checked against the bytes. */
enum SourceFormat {
    MARKDOWN,
    TEXT,
    DOCX,
    PDF;

    /** The format a file name announces, if it is one the library reads. */
    static Optional<SourceFormat> ofFileName(String fileName) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".md") || name.endsWith(".markdown")) {
            return Optional.of(MARKDOWN);
        }
        if (name.endsWith(".txt")) {
            return Optional.of(TEXT);
        }
        if (name.endsWith(".docx")) {
            return Optional.of(DOCX);
        }
        if (name.endsWith(".pdf")) {
            return Optional.of(PDF);
        }
        return Optional.empty();
    }

    /** Whether the first bytes look like this format (a renamed file is caught here). */
    boolean matches(byte[] content) {
        return switch (this) {
            case PDF -> startsWith(content, "%PDF-");
            // DOCX is a ZIP container
            case DOCX -> startsWith(content, "PK\u0003\u0004");
            // Text must not look like a binary container
            case MARKDOWN, TEXT -> !startsWith(content, "%PDF-") && !startsWith(content, "PK\u0003\u0004")
                    && !containsNul(content);
        };
    }

    private static boolean startsWith(byte[] content, String magic) {
        if (content.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (content[i] != (byte) magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsNul(byte[] content) {
        int end = Math.min(content.length, 8192);
        for (int i = 0; i < end; i++) {
            if (content[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
