-- The hidden-state mastery model: each item's guess and slip, each knowledge point's prior,
-- learn and forget chances, and per student and point the probability that it is mastered.
-- Rows written before this have NULLs; the school's model is refitted once at start-up.
ALTER TABLE mastery_item_param ADD COLUMN guess DOUBLE PRECISION;
ALTER TABLE mastery_item_param ADD COLUMN slip DOUBLE PRECISION;
ALTER TABLE mastery_kp_param ADD COLUMN prior DOUBLE PRECISION;
ALTER TABLE mastery_kp_param ADD COLUMN learn DOUBLE PRECISION;
ALTER TABLE mastery_kp_param ADD COLUMN forget DOUBLE PRECISION;
ALTER TABLE mastery ADD COLUMN mastered DOUBLE PRECISION;
