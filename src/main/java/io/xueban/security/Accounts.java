package io.xueban.security;

import java.util.Optional;

/** How security reads accounts; the school feature owns them and implements this. */
public interface Accounts {

    Optional<Account> findByUsername(String username);

    Optional<Account> findById(long id);

    /** Stores a stronger hash of the same password (a sign-in found the stored one weaker than the usual cost). */
    void upgradePasswordHash(String username, String hash);

    /**
     * The owner's own new password (already checked against {@link PasswordRules} and hashed): it
     * no longer needs changing, and the account is signed out everywhere else.
     */
    void changeOwnPassword(long id, String hash);

    /** @param passwordChangeRequired someone else chose the password: its owner changes it at sign-in */
    record Account(long id, long schoolId, String username, String displayName, Role role,
                   String passwordHash, boolean enabled, boolean passwordChangeRequired) {

        public CurrentUser toCurrentUser() {
            return new CurrentUser(id, schoolId, username, displayName, role);
        }
    }
}
