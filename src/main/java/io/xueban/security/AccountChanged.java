package io.xueban.security;

/** An account was disabled, enabled or given a new password: cached sign-ins of it must go. */
public record AccountChanged(long userId) {
}
