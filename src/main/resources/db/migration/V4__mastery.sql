-- Mastery (学情): the fitted performance-factors model of each school, and each student's state
-- in it. A student's mastery of a knowledge point is computed from these on reading.

-- Per knowledge point: logit terms β (base), γ (per earlier right answer), ρ (per earlier wrong one)
CREATE TABLE mastery_kp_param (
    school_id      BIGINT NOT NULL REFERENCES school (id),
    kp_id          BIGINT NOT NULL PRIMARY KEY REFERENCES knowledge_point (id) ON DELETE CASCADE,
    base           DOUBLE PRECISION NOT NULL,
    success_weight DOUBLE PRECISION NOT NULL,
    failure_weight DOUBLE PRECISION NOT NULL,
    fitted_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Per item: its difficulty in the model (not the IRT calibration's, which lives on item)
CREATE TABLE mastery_item_param (
    school_id  BIGINT NOT NULL REFERENCES school (id),
    item_id    BIGINT NOT NULL PRIMARY KEY REFERENCES item (id) ON DELETE CASCADE,
    difficulty DOUBLE PRECISION NOT NULL
);

-- Per student: the belief about their ability, N(ability, 1 / precision)
CREATE TABLE mastery_student (
    school_id  BIGINT NOT NULL REFERENCES school (id),
    student_id BIGINT NOT NULL PRIMARY KEY REFERENCES app_user (id),
    ability    DOUBLE PRECISION NOT NULL,
    precision  DOUBLE PRECISION NOT NULL,
    answers    INTEGER NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Per student and knowledge point: earlier right and wrong answers
CREATE TABLE mastery (
    school_id  BIGINT NOT NULL REFERENCES school (id),
    student_id BIGINT NOT NULL REFERENCES app_user (id),
    kp_id      BIGINT NOT NULL REFERENCES knowledge_point (id) ON DELETE CASCADE,
    successes  INTEGER NOT NULL,
    failures   INTEGER NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (student_id, kp_id)
);
CREATE INDEX mastery_school ON mastery (school_id, kp_id);
