-- Conversations held through the OpenAI-compatible endpoint: a client sends the whole history
-- each time, and the conversation is found again by its opening message.
ALTER TABLE conversation ADD COLUMN external_key VARCHAR(64);
CREATE INDEX conversation_external ON conversation (user_id, external_key);
