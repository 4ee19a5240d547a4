package io.xueban.security;

/** What a user is in their school. */
public enum Role {
    ADMIN, TEACHER, STUDENT
}
