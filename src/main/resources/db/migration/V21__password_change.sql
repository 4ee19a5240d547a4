-- A password someone else chose (an admin creating or resetting an account, a roster import) is
-- changed by the account's owner at their next sign-in in the browser.
ALTER TABLE app_user ADD COLUMN password_change_required BOOLEAN DEFAULT FALSE NOT NULL;
