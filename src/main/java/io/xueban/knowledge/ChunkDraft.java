package io.xueban.knowledge;

/**
 * A passage cut from a document, before it is embedded.
 *
 * @param headingPath the headings above the passage, outermost first, joined by " > "
 * @param page the PDF page the passage starts on, or null
 */
record ChunkDraft(int ordinal, String headingPath, Integer page, String text) {
}
