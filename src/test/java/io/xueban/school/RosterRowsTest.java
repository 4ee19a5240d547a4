package io.xueban.school;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.security.Role;

import static io.xueban.school.SchoolRecords.Assignment;
import static io.xueban.school.SchoolRecords.ClassRef;
import static io.xueban.school.SchoolRecords.Person;
import static org.assertj.core.api.Assertions.assertThat;

/** What the roster writes it reads back whole: every column of its records is mapped. */
@XuebanTest
class RosterRowsTest {

    @Autowired
    Roster roster;
    @Autowired
    TestSchools schools;

    @Test
    void peopleClassesAndAssignmentsReadBackAsWritten() {
        TestSchools.School school = schools.create();
        long teacher = roster.createUser(school.id(), school.prefix() + ".t9", "九班老师", Role.TEACHER, "secret-pass-9", false);
        roster.updateUser(teacher, null, false, null, "t9@school.example");
        long classId = roster.createClass(school.id(), "初三(9)班", 9);
        long assignment = roster.assign(school.id(), teacher, classId, school.subject());

        assertThat(roster.person(teacher)).contains(
                new Person(teacher, school.prefix() + ".t9", "九班老师", Role.TEACHER, false, "t9@school.example"));
        assertThat(roster.people(school.id(), Role.TEACHER)).contains(
                new Person(teacher, school.prefix() + ".t9", "九班老师", Role.TEACHER, false, "t9@school.example"));
        assertThat(roster.classByName(school.id(), "初三(9)班")).contains(new ClassRef(classId, "初三(9)班", 9));
        assertThat(roster.assignment(school.id(), assignment)).contains(
                new Assignment(assignment, teacher, classId, school.subject()));
        assertThat(roster.assignments(school.id())).contains(new Assignment(assignment, teacher, classId, school.subject()));
        assertThat(roster.classesTaughtBy(teacher)).singleElement()
                .satisfies(c -> assertThat(c.grade()).isEqualTo(9));
    }
}
