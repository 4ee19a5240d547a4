package io.xueban.llm;

/** Queue classes, served in this order; inside a class, users take turns. */
public enum Priority {
    /** A teacher waiting at the screen. */
    TEACHER,
    /** A student chatting. */
    STUDENT,
    /** Background work nobody is watching. */
    BATCH
}
