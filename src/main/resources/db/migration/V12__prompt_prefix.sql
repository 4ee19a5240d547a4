-- The study buddy's prompts are built so that a model server's prefix cache can serve them:
-- a conversation keeps one canary for all its turns, and a student's turn is sent to the model
-- again, word for word, as it was first sent (with the passages and notes that came with it).
ALTER TABLE conversation ADD COLUMN canary VARCHAR(40);
ALTER TABLE message ADD COLUMN prompt_text TEXT;
