package io.xueban.school;

/** A class as other features need to name it. */
public record ClassInfo(long id, long schoolId, String name, int grade) {
}
