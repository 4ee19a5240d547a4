package io.xueban.school;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.PlatformTransactionManager;

import io.xueban.XuebanTest;
import io.xueban.security.PasswordRules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
class SchoolBootstrapTest {

    @Autowired
    Roster roster;
    @Autowired
    PasswordRules rules;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MockMvc mvc;

    @Test
    void createsTheFirstSchoolAndAdminOnceAndTheAdminCanSignIn() throws Exception {
        var settings = new BootstrapSettings("boot1", "第一中学", "boot1.admin", "a-long-password-1");
        SchoolBootstrap bootstrap = new SchoolBootstrap(roster, rules, settings, transactions);

        assertThat(bootstrap.bootstrap()).isTrue();
        assertThat(bootstrap.bootstrap()).isFalse();

        mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"boot1.admin\",\"password\":\"a-long-password-1\"}"))
                .andExpect(status().isCreated());
    }

    @Test
    void nothingHappensWithoutSettingsAndAShortPasswordIsRefused() {
        assertThat(new SchoolBootstrap(roster, rules, new BootstrapSettings(null, null, null, null), transactions).bootstrap())
                .isFalse();
        assertThatThrownBy(() -> new SchoolBootstrap(roster, rules,
                new BootstrapSettings("boot2", null, "boot2.admin", "short"), transactions).bootstrap())
                .hasMessageContaining("at least 12");
        assertThat(roster.schoolByCode("boot2")).isEmpty();
    }

    @Test
    void schoolAndAdminAreCreatedTogetherOrNotAtAll() {
        String taken = "boot3.admin";
        roster.createUser(roster.createSchool("boot3-other", "别的学校"), taken, "别人", io.xueban.security.Role.ADMIN,
                "{noop}unused", true);

        assertThatThrownBy(() -> new SchoolBootstrap(roster, rules,
                new BootstrapSettings("boot3", null, taken, "a-long-password-1"), transactions).bootstrap());
        assertThat(roster.schoolByCode("boot3")).isEmpty();
    }
}
