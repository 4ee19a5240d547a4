package io.xueban.knowledge;

/** Where a document is in ingestion. Only READY documents are searchable. */
enum DocumentStatus {
    PENDING,
    PROCESSING,
    READY,
    FAILED;

    boolean finished() {
        return this == READY || this == FAILED;
    }
}
