package io.xueban.school;

import java.util.List;

import io.xueban.security.Role;

/** What the school API returns. */
final class SchoolRecords {

    private SchoolRecords() {
    }

    record SchoolClass(long id, String name, int grade, int studentCount, List<Teaching> teachers) {
    }

    record Teaching(long assignmentId, long teacherId, String teacherName, long subjectId, String subjectName) {
    }

    record ClassRef(long id, String name, int grade) {
    }

    record Person(long id, String username, String displayName, Role role, boolean enabled, String email) {
    }

    record Student(long id, String username, String displayName, List<ClassRef> classes) {
    }

    record Assignment(long id, long teacherId, long classId, long subjectId) {
    }
}
