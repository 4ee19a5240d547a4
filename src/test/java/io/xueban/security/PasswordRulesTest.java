package io.xueban.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.xueban.system.ApiException;

class PasswordRulesTest {

    private final PasswordRules rules = new PasswordRules();

    private String refusal(String password, Role role, String username) {
        return rules.problem(password, role, username).map(ApiException::code).orElse(null);
    }

    @Test
    void passwordsGuessersTryFirstAreRefusedForEveryone() {
        for (String password : List.of("12345678", "password", "Password123", "PASSWORD1", "qwerty123", "aaaaaaaa",
                "abababab", "12341234", "abcdefgh", "87654321", "woaini1314", "woaini520", "1q2w3e4r5t", "zxcvbnm12",
                "iloveyou2026", "asdfghjkl")) {
            assertThat(refusal(password, Role.STUDENT, "s080101")).as(password).isEqualTo("password-common");
        }
    }

    @Test
    void staffNeedLongerPasswordsThanStudents() {
        assertThat(refusal("ming-7x2k", Role.STUDENT, "s080101")).isNull();
        assertThat(refusal("ming-7x2k", Role.TEACHER, "li.laoshi")).isEqualTo("password-length");
        assertThat(refusal("ming-7x2k", Role.ADMIN, "admin")).isEqualTo("password-length");
        assertThat(refusal("ming-7x2k-ok", Role.ADMIN, "admin")).isNull();
        assertThat(refusal("short1", Role.STUDENT, "s080101")).isEqualTo("password-length");
        assertThat(refusal("x".repeat(199) + "yz", Role.STUDENT, "s080101")).isEqualTo("password-length");
    }

    @Test
    void aPasswordMustNotContainTheUsername() {
        assertThat(refusal("li.laoshi-2026", Role.TEACHER, "li.laoshi")).isEqualTo("password-like-username");
        assertThat(refusal("S080101abc", Role.STUDENT, "s080101")).isEqualTo("password-like-username");
    }

    @Test
    void ordinaryGoodPasswordsPass() {
        for (String password : List.of("correct-horse-1", "xueban2026", "春眠不觉晓处处闻啼鸟", "mYdog-eats-rice", "tian4kong1lan")) {
            assertThat(refusal(password, Role.TEACHER, "wang.laoshi")).as(password).isNull();
        }
    }
}
