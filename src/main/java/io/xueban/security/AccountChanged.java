package io.xueban.security;

/**
 * An account was changed (renamed, disabled, enabled, given a new password): cached sign-ins of
 * it must go, and with {@code signOut} (a new password, a disabled account) its tokens are
 * revoked and its sessions ended.
 */
public record AccountChanged(long userId, boolean signOut) {
}
