package io.xueban.curriculum;

/** A school subject such as 数学. */
public record Subject(long id, long schoolId, String code, String name) {
}
