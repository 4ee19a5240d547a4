package io.xueban.knowledge;

/** What a library document is; lesson plans prefer exemplars, tutoring prefers notes and standards. */
public enum DocumentKind {
    /** An exemplar lesson design (教学设计) by a master teacher. */
    LESSON_DESIGN,
    /** A teaching note (教学札记, misconceptions, methods). */
    TEACHING_NOTE,
    /** A curriculum standard or the school's digest of one (课程标准). */
    CURRICULUM_STANDARD,
    /** A textbook section or its analysis (教材分析). */
    TEXTBOOK,
    OTHER
}
