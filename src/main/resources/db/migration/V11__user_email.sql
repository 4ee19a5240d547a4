-- Where staff receive alerts by e-mail (when the school configures a mail server).
ALTER TABLE app_user ADD COLUMN email VARCHAR(200);
