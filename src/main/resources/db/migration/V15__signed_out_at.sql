-- When an account was last signed out everywhere (a new password, disabled, or an admin's
-- sign-out): browser sessions signed in before it end at their next request, on every instance.
ALTER TABLE app_user ADD COLUMN signed_out_at TIMESTAMP;
