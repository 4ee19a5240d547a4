package io.xueban.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import io.xueban.TestSchools;

/**
 * Passwords on a phone: an admin resets a student's password, the student's first sign-in leads
 * to changing it (nothing else opens until then), and the new one is theirs alone.
 */
class PasswordPagesTest extends PagesTest {

    static final String RESET = "管理员重设的密码2026";
    static final String OWN = "我自己的新密码，只有我知道";

    @Override
    int[] windowSize() {
        return new int[] {375, 812};
    }

    @Test
    void aPasswordAnAdminResetIsChangedAtTheFirstSignInAndNothingElseOpensUntilThen() throws Exception {
        TestSchools.School school = schools.create();
        mvc.perform(patch("/api/users/" + school.student1())
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName()))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"password\":\"" + RESET + "\"}"))
                .andExpect(status().isOk());

        browser.login(school.student1Name(), RESET);
        browser.await(d -> d.getCurrentUrl().endsWith("/account/password"));
        assertThat(browser.text("#password-required")).contains("请先换一个只有您自己知道的密码");
        browser.screenshot("student-password-change");
        browser.assertCleanPage();
        // Nothing else opens: pages lead back here, the API says why.
        browser.go("/study");
        browser.await(d -> d.getCurrentUrl().endsWith("/account/password"));
        assertThat(browser.script("return fetch('/api/me/tasks').then(r => r.json()).then(p => p.code)"))
                .isEqualTo("password-change-required");

        change("不是这个密码", OWN, OWN);
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("现在的密码不对"));
        change(RESET, OWN, OWN + "！");
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("两次输入的新密码不一样"));
        change(RESET, "12345678", "12345678");
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("太容易被猜到"));
        change(RESET, OWN, OWN);
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("密码已修改"));
        assertThat(browser.driver.findElements(By.id("password-required"))).isEmpty();
        browser.assertCleanPage();

        // The session goes on; the next sign-in is with the new password and leads to the start page.
        browser.go("/study");
        browser.await(d -> d.getCurrentUrl().endsWith("/study"));
        browser.logout();
        browser.go("/login");
        browser.find("#username").sendKeys(school.student1Name());
        browser.find("#password").sendKeys(RESET);
        browser.find("form button[type=submit]").click();
        browser.await(d -> d.getCurrentUrl().contains("/login?error"));
        browser.login(school.student1Name(), OWN);
        browser.await(d -> d.getCurrentUrl().endsWith("/study"));
        assertThat(jdbc.sql("SELECT password_change_required FROM app_user WHERE id = ?").param(school.student1())
                .query(Boolean.class).single()).isFalse();
    }

    private void change(String current, String next, String repeat) {
        for (String[] field : new String[][] {{"#password-current", current}, {"#password-new", next},
                {"#password-repeat", repeat}}) {
            browser.find(field[0]).clear();
            browser.find(field[0]).sendKeys(field[1]);
        }
        browser.script("document.getElementById('flash').textContent = ''");
        browser.find("#password-submit").click();
    }
}
