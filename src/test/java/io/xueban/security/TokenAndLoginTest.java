package io.xueban.security;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
class TokenAndLoginTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;

    TestSchools.School school;

    @BeforeEach
    void school() {
        school = schools.create();
    }

    @Test
    void tokenGivesAccessUntilRevoked() throws Exception {
        String token = issue(school.teacher1Name(), TestSchools.PASSWORD);

        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.username").value(school.teacher1Name()))
                .andExpect(jsonPath("$.role").value("TEACHER"));

        mvc.perform(delete("/api/tokens/current").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isNoContent());

        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("invalid-token"));
    }

    @Test
    void bearerRequestsDoNotCreateSessions() throws Exception {
        String token = issue(school.teacher1Name(), TestSchools.PASSWORD);
        var result = mvc.perform(post("/api/classes").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"x\",\"grade\":7}"))
                .andExpect(status().isForbidden())
                .andReturn();
        assertThat(result.getRequest().getSession(false)).isNull();
        var read = mvc.perform(get("/api/classes").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isOk()).andReturn();
        assertThat(read.getRequest().getSession(false)).isNull();
    }

    @Test
    void tokenListShowsNoSecrets() throws Exception {
        String token = issue(school.student1Name(), TestSchools.PASSWORD);
        String list = mvc.perform(get("/api/tokens").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].name").value("api"))
                .andReturn().getResponse().getContentAsString();
        assertThat(list).doesNotContain(token);
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() throws Exception {
        mvc.perform(tokenRequest(school.teacher1Name(), "wrong-password"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value("bad-credentials"));
        mvc.perform(tokenRequest("nobody-" + school.prefix(), "wrong-password"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value("bad-credentials"));
    }

    @Test
    void repeatedWrongPasswordsAreThrottledEvenForTheRightPassword() throws Exception {
        for (int i = 0; i < 5; i++) {
            mvc.perform(tokenRequest(school.teacher2Name(), "wrong-password")).andExpect(status().isUnauthorized());
        }
        mvc.perform(tokenRequest(school.teacher2Name(), "wrong-password")).andExpect(status().isUnauthorized());

        mvc.perform(tokenRequest(school.teacher2Name(), TestSchools.PASSWORD))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().exists(HttpHeaders.RETRY_AFTER))
                .andExpect(jsonPath("$.code").value("login-throttled"));
    }

    @Test
    void aClassmateCannotLockATeacherOutOfABrowserTheyUse() throws Exception {
        // The teacher has signed in from this browser before: it carries the device cookie.
        var signIn = mvc.perform(post("/login").with(csrf()).with(from("10.20.0.1"))
                        .param("username", school.teacher1Name()).param("password", TestSchools.PASSWORD))
                .andExpect(redirectedUrl("/")).andReturn().getResponse();
        jakarta.servlet.http.Cookie device = signIn.getCookie(KnownDevices.COOKIE);
        assertThat(device).isNotNull();
        assertThat(device.isHttpOnly()).isTrue();

        // A student behind the same school address guesses six times.
        for (int i = 0; i < 6; i++) {
            mvc.perform(tokenRequest(school.teacher1Name(), "guess-" + i).with(from("10.20.0.1")))
                    .andExpect(status().isUnauthorized());
        }
        mvc.perform(tokenRequest(school.teacher1Name(), TestSchools.PASSWORD).with(from("10.20.0.1")))
                .andExpect(status().isTooManyRequests());
        // From the teacher's own browser, the right password still signs in, by form and for a token.
        mvc.perform(post("/login").with(csrf()).with(from("10.20.0.1")).cookie(device)
                        .param("username", school.teacher1Name()).param("password", TestSchools.PASSWORD))
                .andExpect(redirectedUrl("/"));
        mvc.perform(tokenRequest(school.teacher1Name(), TestSchools.PASSWORD).with(from("10.20.0.1")).cookie(device))
                .andExpect(status().isCreated());
        // The cookie is the teacher's, not a pass for another account.
        for (int i = 0; i < 6; i++) {
            mvc.perform(tokenRequest(school.teacher2Name(), "guess-" + i).with(from("10.20.0.1")))
                    .andExpect(status().isUnauthorized());
        }
        mvc.perform(tokenRequest(school.teacher2Name(), TestSchools.PASSWORD).with(from("10.20.0.1")).cookie(device))
                .andExpect(status().isTooManyRequests());
    }

    @Test
    void oneGuessEachAtManyUsernamesFromOneAddressIsSlowedToo() throws Exception {
        // Thirty usernames, one guess each: twenty go free, the next locks the address and no password is checked.
        int checked = 0;
        for (int i = 0; i < 30; i++) {
            int status = mvc.perform(tokenRequest(school.prefix() + ".nobody" + i, "guess-2026").with(from("10.30.0.9")))
                    .andReturn().getResponse().getStatus();
            assertThat(status).isIn(401, 429);
            checked += status == 401 ? 1 : 0;
        }
        assertThat(checked).isEqualTo(21);
        mvc.perform(tokenRequest(school.student1Name(), TestSchools.PASSWORD).with(from("10.30.0.9")))
                .andExpect(status().isTooManyRequests())
                .andExpect(jsonPath("$.code").value("login-throttled"));
        // Elsewhere the same account signs in as ever.
        mvc.perform(tokenRequest(school.student1Name(), TestSchools.PASSWORD).with(from("10.30.0.10")))
                .andExpect(status().isCreated());
    }

    private static org.springframework.test.web.servlet.request.RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    @Test
    void malformedOrUnknownTokenIsRejectedNotIgnored() throws Exception {
        mvc.perform(get("/api/classes").header(HttpHeaders.AUTHORIZATION, "Bearer xb_not-a-real-token"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().exists(HttpHeaders.WWW_AUTHENTICATE));
    }

    @Test
    void apiWithoutCredentialsAnswersProblemNotRedirect() throws Exception {
        mvc.perform(get("/api/classes"))
                .andExpect(status().isUnauthorized())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.code").value("authentication-required"));
    }

    @Test
    void pagesRedirectToLoginAndFormLoginOpensASession() throws Exception {
        mvc.perform(get("/")).andExpect(status().is3xxRedirection());
        mvc.perform(get("/login")).andExpect(status().isOk());

        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("username", school.teacher1Name()).param("password", TestSchools.PASSWORD))
                .andExpect(redirectedUrl("/"))
                .andReturn().getRequest().getSession();

        mvc.perform(get("/").session(session)).andExpect(status().isOk());
        mvc.perform(get("/api/classes").session(session))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].id").value(school.class1()));
    }

    @Test
    void sessionWritesNeedTheCsrfToken() throws Exception {
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("username", school.adminName()).param("password", TestSchools.PASSWORD))
                .andReturn().getRequest().getSession();

        mvc.perform(post("/api/classes").session(session).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"初一(1)班\",\"grade\":7}"))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.code").value("access-denied"));
        mvc.perform(post("/api/classes").session(session).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"初一(1)班\",\"grade\":7}"))
                .andExpect(status().isCreated());
    }

    @Test
    void wrongFormPasswordReturnsToTheLoginPage() throws Exception {
        mvc.perform(post("/login").with(csrf()).param("username", school.student1Name()).param("password", "nope-nope"))
                .andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void disabledAccountCannotGetATokenAndItsTokensStopWorking() throws Exception {
        String studentToken = issue(school.student2Name(), TestSchools.PASSWORD);
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/api/users/" + school.student2())
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName()))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":false}"))
                .andExpect(status().isOk());

        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + studentToken))
                .andExpect(status().isUnauthorized());
        mvc.perform(tokenRequest(school.student2Name(), TestSchools.PASSWORD))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void aNewPasswordSetByAnAdminSignsTheUserOutEverywhere() throws Exception {
        String token = issue(school.teacher1Name(), TestSchools.PASSWORD);
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("username", school.teacher1Name()).param("password", TestSchools.PASSWORD))
                .andReturn().getRequest().getSession();
        mvc.perform(get("/api/classes").session(session)).andExpect(status().isOk());

        // A weak new password is refused, and nothing changes.
        resetPassword(school.teacher1(), "1234567890")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("password-common"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith("这个密码太容易被猜到")));
        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)).andExpect(status().isOk());

        resetPassword(school.teacher1(), "a-fresh-start-2026").andExpect(status().isOk());

        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value("invalid-token"));
        mvc.perform(get("/api/classes").session(session))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.code").value("session-ended"));
        mvc.perform(tokenRequest(school.teacher1Name(), TestSchools.PASSWORD)).andExpect(status().isUnauthorized());
        issue(school.teacher1Name(), "a-fresh-start-2026");
    }

    @Test
    void aUserChangesTheirOwnPasswordThisSessionGoesOnAndEveryOtherSignInEnds() throws Exception {
        String token = issue(school.teacher1Name(), TestSchools.PASSWORD);
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("username", school.teacher1Name()).param("password", TestSchools.PASSWORD))
                .andReturn().getRequest().getSession();
        String fresh = "a-sentence-only-i-know-2026";

        changePassword(session, "not-my-password", fresh).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("password-wrong"));
        changePassword(session, TestSchools.PASSWORD, "short").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("password-length"));
        changePassword(session, TestSchools.PASSWORD, TestSchools.PASSWORD).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("password-unchanged"));
        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)).andExpect(status().isOk());

        changePassword(session, TestSchools.PASSWORD, fresh).andExpect(status().isNoContent());

        mvc.perform(get("/api/classes").session(session)).andExpect(status().isOk());
        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(status().isUnauthorized()).andExpect(jsonPath("$.code").value("invalid-token"));
        mvc.perform(tokenRequest(school.teacher1Name(), TestSchools.PASSWORD)).andExpect(status().isUnauthorized());
        issue(school.teacher1Name(), fresh);
    }

    @Test
    void guessingTheCurrentPasswordIsThrottledLikeASignIn() throws Exception {
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("username", school.student1Name()).param("password", TestSchools.PASSWORD))
                .andReturn().getRequest().getSession();
        int refused = 0;
        for (int i = 0; i < 10 && refused == 0; i++) {
            int status = changePassword(session, "guess-" + i, "a-long-new-password-1").andReturn().getResponse().getStatus();
            refused = status == 429 ? i : 0;
        }
        assertThat(refused).as("throttled after a few guesses").isBetween(2, 9);
        changePassword(session, TestSchools.PASSWORD, "a-long-new-password-1").andExpect(status().isTooManyRequests())
                .andExpect(jsonPath("$.code").value("login-throttled"));
    }

    private org.springframework.test.web.servlet.ResultActions changePassword(MockHttpSession session, String current,
            String next) throws Exception {
        return mvc.perform(post("/api/me/password").session(session).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                .content(json.writeValueAsString(java.util.Map.of("currentPassword", current, "newPassword", next))));
    }

    @Test
    void anAdminSignsAUserOutWithoutChangingTheirPassword() throws Exception {
        String token = issue(school.student1Name(), TestSchools.PASSWORD);
        MockHttpSession session = (MockHttpSession) mvc.perform(post("/login").with(csrf())
                        .param("username", school.student1Name()).param("password", TestSchools.PASSWORD))
                .andReturn().getRequest().getSession();

        mvc.perform(post("/api/users/" + school.student1() + "/sign-out")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/users/" + school.student1() + "/sign-out")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName())))
                .andExpect(status().isNoContent());

        mvc.perform(get("/api/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)).andExpect(status().isUnauthorized());
        mvc.perform(get("/").session(session)).andExpect(redirectedUrl("/login?ended"));
        issue(school.student1Name(), TestSchools.PASSWORD);
    }

    @Test
    void aUsernameHeldByAnotherSchoolIsUnavailableWithoutSayingWhere() throws Exception {
        TestSchools.School other = schools.create();
        String own = schools.bearer(school.adminName());
        String body = "{\"username\":\"%s\",\"displayName\":\"新同学\",\"role\":\"STUDENT\",\"password\":\"ming-7x2k-ok\"}";
        // Taken in another school and taken in one's own school answer alike.
        for (String taken : List.of(other.student1Name(), school.student2Name())) {
            mvc.perform(post("/api/users").header(HttpHeaders.AUTHORIZATION, own).contentType(MediaType.APPLICATION_JSON)
                            .content(body.formatted(taken)))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.code").value("username-unavailable"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith(
                            "用户名 \"%s\" 不可用，请换一个，例如 \"%s.".formatted(taken, school.prefix()))));
        }
        mvc.perform(post("/api/users").header(HttpHeaders.AUTHORIZATION, own).contentType(MediaType.APPLICATION_JSON)
                        .content(body.formatted(school.prefix() + "." + other.student1Name())))
                .andExpect(status().isCreated());
    }

    private org.springframework.test.web.servlet.ResultActions resetPassword(long user, String password) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/api/users/" + user)
                .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName()))
                .contentType(MediaType.APPLICATION_JSON).content("{\"password\":\"" + password + "\"}"));
    }

    private String issue(String username, String password) throws Exception {
        String body = mvc.perform(tokenRequest(username, password))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.tokenType").value("Bearer"))
                .andExpect(jsonPath("$.expiresAt").exists())
                .andReturn().getResponse().getContentAsString();
        return json.readTree(body).get("token").asString();
    }

    private org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder tokenRequest(String username,
            String password) {
        return post("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }
}
