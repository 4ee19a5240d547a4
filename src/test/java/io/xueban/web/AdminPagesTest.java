package io.xueban.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import io.xueban.TestSchools;
import io.xueban.llm.ScriptedModelServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A school's administrator: every admin page opens without a script error or a missing message;
 * a roster with bad rows is refused with each row's problem shown and nothing saved, a good one
 * is imported; safety settings and the lesson template are saved; the model server's health and
 * the prompt files are shown.
 */
class AdminPagesTest extends PagesTest {

    @TempDir
    Path files;

    TestSchools.School school;

    @BeforeEach
    void signIn() {
        school = schools.create();
        browser.login(school.adminName(), TestSchools.PASSWORD);
    }

    @Test
    void aRosterWithBadRowsIsRefusedRowByRowAndAGoodOneIsImported() throws IOException {
        browser.go("/admin/users");
        browser.await(d -> d.findElement(By.id("users")).getText().contains(school.teacher1Name()));
        int usersBefore = schools.rows("app_user", school.id());

        Path bad = files.resolve("bad.csv");
        Files.writeString(bad, "用户名,姓名,角色,班级\n" + school.prefix() + ".new1,新同学,学生,初二(1)班\n"
                + school.prefix() + ".new2,另一位,校长,初二(1)班\n", StandardCharsets.UTF_8);
        browser.find("#import-file").sendKeys(bad.toString());
        browser.find("#import-form button").click();
        String shown = browser.await(d -> {
            String text = d.findElement(By.id("import-result")).getText();
            return text.isBlank() ? null : text;
        });
        assertThat(shown).contains("3").doesNotContain("\"detail\"");
        assertThat(browser.driver.findElements(By.cssSelector("#import-result tbody tr"))).hasSize(1);
        assertThat(schools.rows("app_user", school.id())).isEqualTo(usersBefore);
        browser.screenshot("admin-roster-errors");

        Path good = files.resolve("good.csv");
        Files.writeString(good, "用户名,姓名,角色,班级\n" + school.prefix() + ".new1,新同学,学生,初二(1)班\n",
                StandardCharsets.UTF_8);
        browser.find("#import-file").sendKeys(good.toString());
        browser.find("#import-form button").click();
        browser.await(d -> d.findElement(By.id("import-result")).getText().contains(school.prefix() + ".new1"));
        assertThat(schools.rows("app_user", school.id())).isEqualTo(usersBefore + 1);
        browser.await(d -> d.findElement(By.id("users")).getText().contains("新同学"));
        browser.screenshot("admin-users");
        browser.assertCleanPage();

        // A large file is checked at once and imported in the background; the page follows it to its result.
        StringBuilder large = new StringBuilder("用户名,姓名,角色,班级,年级\n");
        for (int i = 0; i < 600; i++) {
            large.append(school.prefix()).append(".bulk").append(i).append(",学生").append(i).append(",学生,初一(9)班,7\n");
        }
        Path many = files.resolve("many.csv");
        Files.writeString(many, large, StandardCharsets.UTF_8);
        browser.find("#import-file").sendKeys(many.toString());
        browser.find("#import-form button").click();
        browser.await(d -> d.findElement(By.id("import-result")).getText().contains(school.prefix() + ".bulk599"));
        assertThat(schools.rows("app_user", school.id())).isEqualTo(usersBefore + 601);
        browser.assertCleanPage();

        // An admin signs an account out on every device from its edit dialog.
        browser.go("/admin/users");
        browser.await(d -> d.findElement(By.id("users")).getText().contains(school.teacher1Name()));
        browser.driver.findElements(By.cssSelector("#users tr")).stream()
                .filter(row -> row.getText().contains(school.teacher1Name())).findFirst().orElseThrow()
                .findElement(By.cssSelector("button")).click();
        browser.find("#edit-sign-out").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("已在所有设备上退出登录"));
        browser.assertCleanPage();
    }

    @Test
    void safetySettingsAndTheLessonTemplateAreSaved() {
        browser.go("/admin/safety");
        browser.await(d -> !d.findElement(By.id("daily-cap")).getAttribute("value").isBlank());
        var cap = browser.find("#daily-cap");
        cap.clear();
        cap.sendKeys("25");
        browser.find("#contacts").sendKeys("\n心理老师 王老师 办公楼 302");
        browser.find("#safety-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("已保存"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM safety_settings WHERE school_id = ?").param(school.id())
                .query(Integer.class).single()).isEqualTo(1);
        browser.go("/admin/safety");
        browser.await(d -> "25".equals(d.findElement(By.id("daily-cap")).getAttribute("value")));
        assertThat(browser.find("#contacts").getAttribute("value")).contains("办公楼 302");
        browser.screenshot("admin-safety");
        browser.assertCleanPage();

        browser.go("/admin/template");
        browser.await(d -> d.findElement(By.id("include-OBJECTIVES")).isSelected());
        browser.find("#include-BOARD_DESIGN").click();
        var heading = browser.find("#heading-PROCESS");
        heading.clear();
        heading.sendKeys("教学流程");
        browser.find("#template-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("模板已保存"));
        browser.go("/admin/template");
        browser.await(d -> "教学流程".equals(d.findElement(By.id("heading-PROCESS")).getAttribute("value")));
        browser.screenshot("admin-template");
        browser.assertCleanPage();
    }

    @Test
    void everyAdminPageOpensCleanly() {
        for (String page : List.of("/", "/admin/classes", "/admin/curriculum", "/admin/data", "/admin/models",
                "/admin/prompts", "/library", "/plans", "/conversations", "/account")) {
            browser.go(page);
            browser.find("main h1");
            browser.await(d -> !Boolean.TRUE.equals(browser.script("return window.htmx === undefined")));
            switch (page) {
                case "/admin/models" -> browser.await(d -> d.findElement(By.id("backends")).getText().contains("ollama"));
                case "/admin/prompts" -> browser.await(d -> d.findElement(By.id("prompts")).getText().contains("tutor/buddy"));
                case "/admin/classes" -> browser.await(d -> d.findElement(By.id("classes")).getText().contains("初二(1)班"));
                case "/admin/curriculum" -> browser.await(d -> d.findElement(By.id("kps")).getText().contains("KP-1"));
                case "/admin/data" -> browser.await(d -> d.findElement(By.id("refit-status")).getText().contains("掌握度模型"));
                default -> browser.await(d -> !d.findElement(By.id("main")).getText().isBlank());
            }
            browser.screenshot("admin" + page.replace('/', '-').replaceAll("-$", "-home"));
            browser.assertCleanPage();
        }
        // The model answers through the gateway, streamed.
        SERVER.when("你好", ScriptedModelServer.Reply.of("你好！我是学校部署的对话模型，可以正常回答。"));
        browser.go("/admin/models");
        browser.find("#try-prompt").sendKeys("你好");
        browser.find("#try-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("try-reply")).getText().contains("可以正常回答"));
        browser.await(d -> d.findElement(By.id("try-status")).getText().contains("完成"));
        browser.assertCleanPage();

        // A refit from the data page says when it ran and how many students it recomputed.
        browser.go("/admin/data");
        browser.find("#refit").click();
        browser.await(d -> d.findElement(By.id("refit-status")).getText().contains("（管理员发起）"));
        assertThat(browser.text("#refit-status")).contains("名学生");
        browser.assertCleanPage();

        // The curriculum page changes what it shows: a new knowledge point with a prerequisite.
        browser.go("/admin/curriculum");
        browser.await(d -> d.findElement(By.id("kps")).getText().contains("KP-1"));
        browser.find("#kp-code").sendKeys("KP-3");
        browser.find("#kp-name").sendKeys("二次根式的乘法");
        browser.pick("#kp-prerequisites", school.kp2());
        browser.find("#kp-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("kps")).getText().contains("二次根式的乘法"));
        assertThat(schools.rows("knowledge_point", school.id())).isEqualTo(3);
        browser.assertCleanPage();

        // An item needs a knowledge point: with none ticked the page says so and nothing is sent.
        int items = schools.rows("item", school.id());
        new Select(browser.find("#item-type")).selectByValue("FILL_IN");
        browser.find("#item-stem").sendKeys("√4 = ______。");
        browser.find("#item-key").sendKeys("2");
        browser.find("#item-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.cssSelector("#item-kps .picker-status")).getAttribute("class").contains("alert"));
        assertThat(browser.text("#item-kps .picker-status")).isEqualTo("请至少选择一个知识点。");
        browser.screenshot("admin-curriculum-item-needs-a-point");
        assertThat(schools.rows("item", school.id())).isEqualTo(items);
        browser.pick("#item-kps", school.kp1());
        assertThat(browser.text("#item-kps .picker-status")).isEqualTo("已选 1 个");
        browser.find("#item-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("items")).getText().contains("√4"));
        assertThat(schools.rows("item", school.id())).isEqualTo(items + 1);
        browser.assertCleanPage();
    }
}
