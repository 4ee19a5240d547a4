package io.xueban.curriculum;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Subjects and prerequisite edges read back as written: every column of their records is mapped. */
@XuebanTest
class CurriculumRowsTest {

    @Autowired
    Subjects subjects;
    @Autowired
    KnowledgePoints knowledgePoints;
    @Autowired
    TestSchools schools;

    @Test
    void subjectsAndPrerequisiteEdgesReadBackAsWritten() {
        TestSchools.School school = schools.create();
        Subject physics = subjects.create(school.id(), "phys", "物理");

        assertThat(subjects.find(physics.id())).contains(new Subject(physics.id(), school.id(), "phys", "物理"));
        assertThat(subjects.findByCodeOrName(school.id(), "物理")).contains(physics);
        assertThat(subjects.list(school.id())).contains(physics);
        assertThat(knowledgePoints.edges(school.id()))
                .containsExactly(new PrerequisiteGraph.Edge(school.kp2(), school.kp1()));
    }
}
