-- The model's suggested mark for a typed answer to an open item, for the teacher who marks it
-- (a suggestion: a teacher marks). A row WAITING is written with the hand-in; the model is asked
-- in the background, the row claimed (RUNNING) meanwhile; then DONE with the suggestion, or
-- FAILED after a try (tried again a few times).
CREATE TABLE answer_suggestion (
    assignment_id     BIGINT        NOT NULL,
    student_id        BIGINT        NOT NULL,
    item_id           BIGINT        NOT NULL,
    state             VARCHAR(16)   NOT NULL,
    suggested_correct BOOLEAN,
    feedback          VARCHAR(1000),
    tries             INTEGER       NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (assignment_id, student_id, item_id),
    CONSTRAINT answer_suggestion_state CHECK (state IN ('WAITING', 'RUNNING', 'DONE', 'FAILED')),
    FOREIGN KEY (assignment_id, student_id, item_id)
        REFERENCES submission_answer (assignment_id, student_id, item_id) ON DELETE CASCADE
);

CREATE INDEX answer_suggestion_due ON answer_suggestion (state, updated_at);
