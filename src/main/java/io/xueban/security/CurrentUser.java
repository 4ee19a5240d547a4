package io.xueban.security;

/**
 * The signed-in user, as every controller sees them: declare a parameter of this type and it is
 * filled in from the session or the bearer token.
 */
public record CurrentUser(long id, long schoolId, String username, String displayName, Role role) {

    public boolean is(Role candidate) {
        return role == candidate;
    }
}
