-- The true state behind a simulated term (the demo school): per student and knowledge point,
-- whether the point was mastered at the end of the term, so that mastery estimates and learning
-- paths can be checked against what they should find.
CREATE TABLE simulation_mastery (
    school_id  BIGINT  NOT NULL REFERENCES school (id),
    student_id BIGINT  NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    kp_id      BIGINT  NOT NULL REFERENCES knowledge_point (id) ON DELETE CASCADE,
    mastered   BOOLEAN NOT NULL,
    PRIMARY KEY (student_id, kp_id)
);
