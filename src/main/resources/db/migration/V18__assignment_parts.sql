-- Items gain their explanation (解析), shown to a student after answering.
ALTER TABLE item ADD COLUMN explanation VARCHAR(4000);

-- An assignment is homework or a live in-class check (课堂检测), possibly set by a lesson plan.
ALTER TABLE assignment ADD COLUMN kind VARCHAR(16) DEFAULT 'HOMEWORK' NOT NULL;
ALTER TABLE assignment ADD CONSTRAINT assignment_kind CHECK (kind IN ('HOMEWORK', 'LIVE'));
ALTER TABLE assignment ADD COLUMN lesson_plan_id BIGINT;
ALTER TABLE assignment ADD CONSTRAINT assignment_lesson_plan FOREIGN KEY (lesson_plan_id)
    REFERENCES lesson_plan (id) ON DELETE SET NULL;

-- Its parts: one for everybody, a tier of 分层作业 each, or one per student (每人一份). Each
-- student is in one part and answers that part's items.
CREATE TABLE assignment_part (
    assignment_id BIGINT       NOT NULL REFERENCES assignment (id) ON DELETE CASCADE,
    part          INTEGER      NOT NULL,
    label         VARCHAR(100),
    PRIMARY KEY (assignment_id, part)
);

CREATE TABLE assignment_part_item (
    assignment_id BIGINT  NOT NULL,
    part          INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    item_id       BIGINT  NOT NULL REFERENCES item (id),
    PRIMARY KEY (assignment_id, part, position),
    FOREIGN KEY (assignment_id, part) REFERENCES assignment_part (assignment_id, part) ON DELETE CASCADE
);

INSERT INTO assignment_part (assignment_id, part) SELECT id, 0 FROM assignment;
INSERT INTO assignment_part_item (assignment_id, part, position, item_id)
    SELECT assignment_id, 0, position, item_id FROM assignment_item;
DROP TABLE assignment_item;

ALTER TABLE assignment_student ADD COLUMN part INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE assignment_student ADD CONSTRAINT assignment_student_part FOREIGN KEY (assignment_id, part)
    REFERENCES assignment_part (assignment_id, part) ON DELETE CASCADE;

-- An answer handed in for an assignment says which.
ALTER TABLE response ADD COLUMN assignment_id BIGINT;
ALTER TABLE response ADD CONSTRAINT response_assignment FOREIGN KEY (assignment_id)
    REFERENCES assignment (id) ON DELETE SET NULL;

-- Notifications are not only delivered alerts: a teacher's reminder of an assignment is one too,
-- with the page it leads to.
ALTER TABLE notification ALTER COLUMN outbox_id DROP NOT NULL;
ALTER TABLE notification ADD COLUMN link VARCHAR(300);
ALTER TABLE assignment ADD COLUMN reminded_at TIMESTAMP WITH TIME ZONE;

-- What an assignment did to each student's mastery: the chance of each point it tests just before
-- and just after the student's answers were handed in.
CREATE TABLE submission_point (
    assignment_id BIGINT           NOT NULL,
    student_id    BIGINT           NOT NULL,
    kp_id         BIGINT           NOT NULL REFERENCES knowledge_point (id) ON DELETE CASCADE,
    mastery_before DOUBLE PRECISION NOT NULL,
    mastery_after  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (assignment_id, student_id, kp_id),
    FOREIGN KEY (assignment_id, student_id) REFERENCES submission (assignment_id, student_id) ON DELETE CASCADE
);

-- A teacher may let students hand an assignment in more than once; the last attempt counts.
ALTER TABLE assignment ADD COLUMN attempts INTEGER DEFAULT 1 NOT NULL;
ALTER TABLE submission ADD COLUMN attempt INTEGER DEFAULT 1 NOT NULL;

-- A photo of written work as the answer to an open item of an assignment, with what the vision
-- model read in it and the mark it suggests (a suggestion: a teacher marks).
CREATE TABLE submission_photo (
    assignment_id     BIGINT           NOT NULL,
    student_id        BIGINT           NOT NULL,
    item_id           BIGINT           NOT NULL REFERENCES item (id),
    media_type        VARCHAR(32)      NOT NULL,
    image             BYTEA            NOT NULL,
    transcription     VARCHAR(8000)    NOT NULL,
    suggested_correct BOOLEAN          NOT NULL,
    confidence        DOUBLE PRECISION NOT NULL,
    feedback          VARCHAR(4000),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (assignment_id, student_id, item_id),
    FOREIGN KEY (assignment_id, student_id) REFERENCES submission (assignment_id, student_id) ON DELETE CASCADE
);
