package io.xueban.knowledge;

/**
 * Where a passage comes from, as a teacher would cite it.
 *
 * @param headingPath the headings above the passage, outermost first, joined by " > "
 * @param page the PDF page, or null
 */
public record Citation(long documentId, String title, String author, DocumentKind kind, String headingPath,
        Integer page) {

    /** 《title》（author）· heading path · 第 n 页 */
    public String label() {
        StringBuilder label = new StringBuilder("《").append(title).append("》");
        if (author != null && !author.isBlank()) {
            label.append("（").append(author).append("）");
        }
        if (headingPath != null && !headingPath.isBlank()) {
            label.append(" · ").append(headingPath);
        }
        if (page != null) {
            label.append(" · 第 ").append(page).append(" 页");
        }
        return label.toString();
    }
}
