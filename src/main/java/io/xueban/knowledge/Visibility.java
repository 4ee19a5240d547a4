package io.xueban.knowledge;

/** Who finds a document: the whole school, or only the teacher who uploaded it. */
public enum Visibility {
    SCHOOL,
    PRIVATE
}
