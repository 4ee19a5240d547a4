package io.xueban.security;

import java.util.Optional;

import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The signed-in user, as every controller sees them: declare a parameter of this type and it is
 * filled in from the session or the bearer token.
 */
public record CurrentUser(long id, long schoolId, String username, String displayName, Role role) {

    /** Who is signed in on this request, if anyone (for code that cannot declare a parameter). */
    public static Optional<CurrentUser> signedIn() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof AccountDetails details
                ? Optional.of(details.user()) : Optional.empty();
    }

    /** Whether the browser session must change its password before anything else (one chosen for its owner). */
    public static boolean passwordChangeRequired(jakarta.servlet.http.HttpSession session) {
        return session != null && session.getAttribute(PasswordChange.REQUIRED) != null;
    }

    public boolean is(Role candidate) {
        return role == candidate;
    }
}
