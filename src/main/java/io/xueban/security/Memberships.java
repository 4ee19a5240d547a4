package io.xueban.security;

import java.util.Optional;

/** The facts {@link AccessPolicy} decides on; the school feature owns them and implements this. */
public interface Memberships {

    /** The school of a class, or empty when there is no such class. */
    Optional<Long> schoolOfClass(long classId);

    /** School and role of a user, or empty when there is no such user. */
    Optional<Member> member(long userId);

    boolean teachesClass(long teacherId, long classId);

    /** True when the teacher teaches any class the student is enrolled in. */
    boolean teachesStudent(long teacherId, long studentId);

    record Member(long id, long schoolId, Role role) {
    }
}
