-- Browsers an account has signed in from (a random cookie, stored hashed): the right password from
-- a known device still signs in while the account or the address is throttled for failed guesses.
CREATE TABLE known_device (
    user_id      BIGINT      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    device_hash  VARCHAR(64) NOT NULL,
    created_at   TIMESTAMP   NOT NULL,
    last_used_at TIMESTAMP   NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);
