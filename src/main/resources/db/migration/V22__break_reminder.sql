-- A student chatting with the buddy this long without a pause is reminded to take a break (0: never).
ALTER TABLE safety_settings ADD COLUMN break_after_minutes INTEGER DEFAULT 120 NOT NULL;
