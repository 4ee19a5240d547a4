package io.xueban.security;

import org.springframework.stereotype.Component;

import io.xueban.system.ApiException;

/**
 * The single place that decides who may see and change what. Controllers and services ask it
 * before they read or write.
 *
 * <p>Rules: an admin sees their whole school; a teacher sees the classes they teach and those
 * classes' students; a student sees only themself. A record of another school answers 404 (its
 * existence is not revealed); a record of the own school that the user may not see answers 403.
 */
@Component
public class AccessPolicy {

    private final Memberships memberships;

    AccessPolicy(Memberships memberships) {
        this.memberships = memberships;
    }

    public void requireAdmin(CurrentUser me) {
        if (!me.is(Role.ADMIN)) {
            throw ApiException.forbidden("admin-only");
        }
    }

    /** Admins and teachers: the people who author curriculum and look at results. */
    public void requireStaff(CurrentUser me) {
        if (me.is(Role.STUDENT)) {
            throw ApiException.forbidden("staff-only");
        }
    }

    /** A school-owned record is invisible to other schools. */
    public void checkSameSchool(CurrentUser me, long recordSchoolId, String entity, Object id) {
        if (recordSchoolId != me.schoolId()) {
            throw ApiException.notFound(entity, id);
        }
    }

    public void checkClass(CurrentUser me, long classId) {
        long school = memberships.schoolOfClass(classId).orElseThrow(() -> ApiException.notFound("class", classId));
        checkSameSchool(me, school, "class", classId);
        switch (me.role()) {
            case ADMIN -> { }
            case TEACHER -> {
                if (!memberships.teachesClass(me.id(), classId)) {
                    throw ApiException.forbidden("not-your-class", classId);
                }
            }
            case STUDENT -> throw ApiException.forbidden("staff-only");
        }
    }

    /** Reading a student's record, or acting for them (recording an answer). */
    public void checkStudent(CurrentUser me, long studentId) {
        Memberships.Member student = memberships.member(studentId)
                .filter(member -> member.role() == Role.STUDENT)
                .orElseThrow(() -> ApiException.notFound("student", studentId));
        checkSameSchool(me, student.schoolId(), "student", studentId);
        switch (me.role()) {
            case ADMIN -> { }
            case TEACHER -> {
                if (!memberships.teachesStudent(me.id(), studentId)) {
                    throw ApiException.forbidden("not-your-student", studentId);
                }
            }
            case STUDENT -> {
                if (me.id() != studentId) {
                    throw ApiException.forbidden("not-yourself");
                }
            }
        }
    }

    /**
     * A school record that may be private to its owner (a teacher's own library document): other
     * schools' records and other users' private ones are not found.
     */
    public void checkReadable(CurrentUser me, long recordSchoolId, long ownerId, boolean ownerOnly, String entity,
            Object id) {
        checkSameSchool(me, recordSchoolId, entity, id);
        if (ownerOnly && me.id() != ownerId) {
            throw ApiException.notFound(entity, id);
        }
    }

    /** Changing or removing a record that someone owns: its owner, or an admin of its school. */
    public void checkOwnerOrAdmin(CurrentUser me, long ownerId, String code) {
        if (!me.is(Role.ADMIN) && me.id() != ownerId) {
            throw ApiException.forbidden(code);
        }
    }
}
