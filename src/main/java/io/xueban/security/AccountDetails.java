package io.xueban.security;

import java.util.Collection;
import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/** The principal Spring Security keeps for a signed-in user (session or bearer token). */
record AccountDetails(CurrentUser user, String passwordHash, boolean enabled) implements UserDetails {

    static AccountDetails of(Accounts.Account account) {
        return new AccountDetails(account.toCurrentUser(), account.passwordHash(), account.enabled());
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority("ROLE_" + user.role().name()));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return user.username();
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public String toString() {
        // Never print the hash in logs.
        return "AccountDetails[" + user + "]";
    }
}
