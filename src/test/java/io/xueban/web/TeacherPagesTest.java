package io.xueban.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.Select;

import io.xueban.TestSchools;
import io.xueban.llm.ScriptedModelServer;
import io.xueban.system.Db;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A teacher in a laptop-sized browser: the start page, the class dashboard with its heat map and
 * a student's page (the demo school, only read), and a lesson plan written while they watch,
 * then edited, compared with its first version and accepted (a school of its own, so that the
 * accepted plan joins no other test's library).
 */
class TeacherPagesTest extends PagesTest {

    static final String REQUEST_MARK = "请为下面这节课写教学设计";

    @Test
    void theHomePageAndTheClassDashboardWithItsHeatMap() {
        long school = demoSchool();
        long classId = demoClass("初二(1)班");
        browser.login("wang.laoshi", DEMO_PASSWORD);
        assertThat(browser.text("#home-classes")).contains("初二(1)班");
        browser.screenshot("teacher-home");
        browser.assertCleanPage();

        browser.find("#home-classes a").click();
        String cells = browser.await(d -> d.findElement(By.id("heatmap")).getAttribute("data-rendered"));
        // The summary comes first and needs no clicks: who needs help on what, the weakest points, what waits.
        browser.await(d -> d.findElements(By.cssSelector("#summary-help li a")).size() >= 3);
        assertThat(browser.driver.findElements(By.cssSelector("#summary-weak li"))).hasSize(3);
        assertThat(browser.text("#summary-weak")).contains("平均掌握").contains("人未熟练");
        assertThat(browser.text("#summary-waiting")).contains("待批改的开放题作答");
        assertThat(browser.text("#summary-lesson")).isNotBlank();
        assertThat(browser.driver.findElements(By.cssSelector("#at-risk li a"))).as("the at-risk list without a click")
                .isNotEmpty();
        assertThat(browser.driver.findElements(By.cssSelector(".page-tabs a"))).hasSize(6);
        browser.screenshot("teacher-class-summary");
        phoneScreenshot("teacher-class-summary-phone");
        int students = jdbc.sql("SELECT COUNT(*) FROM enrolment WHERE class_id = ?").param(classId)
                .query(Integer.class).single();
        int points = jdbc.sql("SELECT COUNT(*) FROM knowledge_point WHERE school_id = ?").param(school)
                .query(Integer.class).single();
        assertThat(Integer.parseInt(cells)).isEqualTo(students * points);
        // ECharts drew it: a canvas of the heat map's size, not an empty box.
        assertThat(browser.driver.findElements(By.cssSelector("#heatmap canvas"))).isNotEmpty();
        assertThat(browser.find("#heatmap canvas").getSize().getHeight()).isGreaterThan(300);
        browser.await(d -> !d.findElement(By.id("tiers")).getText().isBlank());
        // Three tiers that work on different points, and students of one class sent to many different next steps.
        List<WebElement> tiers = browser.driver.findElements(By.cssSelector("#tiers details"));
        assertThat(tiers).hasSize(3);
        String basicFocus = tiers.getFirst().findElement(By.cssSelector("p")).getText();
        String extendedFocus = tiers.getLast().findElement(By.cssSelector("p")).getText();
        assertThat(basicFocus).isNotEqualTo(extendedFocus);
        Set<String> nextSteps = new HashSet<>();
        for (WebElement student : browser.driver.findElements(By.cssSelector("#tiers li"))) {
            String text = student.getText();
            nextSteps.add(text.substring(text.indexOf('：') + 1));
        }
        assertThat(nextSteps).hasSizeGreaterThanOrEqualTo(6);
        browser.screenshot("teacher-class");
        browser.assertCleanPage();

        browser.find("#students a").click();
        browser.await(d -> d.findElements(By.cssSelector("#mastery td")).size() > points);
        browser.await(d -> !d.findElement(By.id("path")).getText().isBlank());
        browser.screenshot("teacher-student");
        browser.assertCleanPage();
    }

    @Test
    void aTeacherWatchesALessonPlanBeingWrittenThenEditsComparesAndAcceptsIt() throws InterruptedException {
        TestSchools.School own = schools.create();
        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        long kp = own.kp1();
        List<Long> items = List.of(own.choiceItem(), own.fillInItem());
        // Slow enough to watch: the plan arrives over a few seconds, token by token.
        SERVER.firstTokenMillis(200).tokensPerSecond(120);
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(kp, items)));

        browser.go("/plans/new");
        browser.find("#plan-topic").sendKeys("勾股定理");
        browser.pick("#plan-kps", kp);
        browser.find("#plan-notes").sendKeys("多用拼图活动");
        browser.find("#plan-submit").click();

        String firstTokens = browser.await(d -> {
            String shown = d.findElement(By.id("new-tokens")).getText();
            return shown.length() > 20 ? shown : null;
        });
        browser.screenshot("teacher-plan-writing");
        // The same plan followed from another page (htmx's SSE extension), as a teacher who comes back would.
        long planId = jdbc.sql("SELECT MAX(id) FROM lesson_plan WHERE school_id = ?").param(own.id())
                .query(Long.class).single();
        String first = browser.driver.getWindowHandle();
        browser.driver.switchTo().newWindow(WindowType.TAB);
        browser.go("/plans/" + planId);
        browser.await(d -> d.findElement(By.id("tokens")).getText().length() > firstTokens.length()
                || !d.findElement(By.id("plan-body")).getText().contains("正在生成"));
        browser.await(d -> d.findElement(By.id("plan-body")).getText().contains("勾股定理（第一课时）"), Duration.ofSeconds(60));
        browser.driver.close();
        browser.driver.switchTo().window(first);

        // The page that asked goes to the plan when it is done.
        browser.await(d -> d.getCurrentUrl().endsWith("/plans/" + planId), Duration.ofSeconds(60));
        String shown = browser.await(d -> {
            String text = d.findElement(By.id("plan-body")).getText();
            return text.contains("勾股定理（第一课时）") ? text : null;
        });
        assertThat(shown).contains("本教学设计由AI辅助生成，请教师审核").contains("情境导入");
        // The 课堂检测's choice item with its options and key, each on its own line, as a teacher prints it.
        assertThat(shown).contains("16 的算术平方根是（　　）（题库 I-1）\nA. 4　B. ±4　C. −4　D. 8\n答案：A；解析：16 的算术平方根是非负的 4");
        browser.screenshot("teacher-plan");
        browser.assertCleanPage();

        // Edit one section: the board design.
        new Select(browser.find("#section")).selectByValue("BOARD_DESIGN");
        browser.find("#edit-section").click();
        var board = browser.find("#edit-fields textarea");
        board.clear();
        board.sendKeys("勾股定理：a² + b² = c²（拼图验证）");
        browser.find("#edit-note").sendKeys("板书更简洁");
        browser.find("#edit-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("plan-body")).getText().contains("拼图验证"));
        browser.await(d -> d.findElements(By.cssSelector("#versions tbody tr")).size() == 2);

        browser.find("#diff-form button[type=submit]").click();
        assertThat(browser.text("#diff")).contains("拼图验证");
        assertThat(browser.driver.findElements(By.cssSelector("#diff .diff-add"))).isNotEmpty();
        browser.screenshot("teacher-plan-diff");

        browser.find("#accept").click();
        browser.await(d -> d.findElement(By.id("plan-meta")).getText().contains("已采用"));
        assertThat(jdbc.sql("SELECT status FROM lesson_plan WHERE id = ?").param(planId).query(String.class).single())
                .isEqualTo("ACCEPTED");
        assertThat(browser.find("#export-docx").getAttribute("href"))
                .endsWith("/api/lesson-plans/" + planId + "/export?format=docx&version=2");
        // An older version can be read and exported, not edited or accepted.
        browser.find("#versions tbody tr:first-child button").click();
        browser.await(d -> d.findElement(By.id("export-md")).getAttribute("href").endsWith("format=markdown&version=1"));
        assertThat(browser.driver.findElement(By.id("edit-section")).isDisplayed()).isFalse();
        assertThat(browser.driver.findElement(By.id("accept")).isDisplayed()).isFalse();
        assertThat(browser.text("#plan-body")).contains("a² + b² = c²").doesNotContain("拼图验证）");
        browser.assertCleanPage();
    }

    @Test
    void aFailedPlanSaysWhatHappenedAndIsWrittenAgainWithTheSameRequestInOneClick() {
        TestSchools.School own = schools.create();
        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        long kp = own.kp1();
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of("这不是一份教学设计。"));
        browser.go("/plans/new");
        browser.find("#plan-topic").sendKeys("勾股定理");
        // Two points ticked one after the other: the second click keeps the first.
        browser.pick("#plan-kps", kp, own.kp2());
        assertThat(browser.text("#plan-kps .picker-status")).isEqualTo("已选 2 个");
        browser.find("#plan-submit").click();

        // The plan's page says what happened and what to do, in a sentence, not a code.
        String failure = browser.await(d -> d.findElements(By.id("plan-failure")).isEmpty() ? null
                : d.findElement(By.id("plan-failure")).getText(), Duration.ofSeconds(60));
        assertThat(failure).contains("重新生成通常就能成功").doesNotContain("llm-");
        long planId = jdbc.sql("SELECT MAX(id) FROM lesson_plan WHERE school_id = ?").param(own.id())
                .query(Long.class).single();
        assertThat(browser.driver.getCurrentUrl()).endsWith("/plans/" + planId);
        String request = jdbc.sql("SELECT request FROM lesson_plan WHERE id = ?").param(planId).query(String.class).single();
        Matcher kpIds = Pattern.compile("\"kpIds\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(request);
        assertThat(kpIds.find()).as("kpIds in %s", request).isTrue();
        assertThat(kpIds.group(1).split("\\s*,\\s*")).containsExactlyInAnyOrder(Long.toString(kp), Long.toString(own.kp2()));
        browser.screenshot("teacher-plan-failed");
        phoneScreenshot("teacher-plan-failed-phone");
        browser.assertCleanPage();

        // The model behaves again: one click writes the same plan, with nothing typed again.
        SERVER.reset();
        SERVER.when(REQUEST_MARK, ScriptedModelServer.Reply.of(plan(kp, List.of(own.choiceItem(), own.fillInItem()))));
        browser.find("#plan-retry").click();
        browser.await(d -> d.findElement(By.id("plan-body")).getText().contains("勾股定理（第一课时）"), Duration.ofSeconds(60));
        assertThat(SERVER.prompts().stream().filter(prompt -> prompt.contains(REQUEST_MARK)).findFirst().orElseThrow())
                .contains("勾股定理");
        assertThat(jdbc.sql("SELECT status FROM lesson_plan WHERE id = ?").param(planId).query(String.class).single())
                .isEqualTo("READY");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM lesson_plan WHERE school_id = ?").param(own.id())
                .query(Integer.class).single()).isEqualTo(1);
        browser.assertCleanPage();
    }

    @Test
    void aTeacherAcknowledgesAnAlertReadsTheConversationAtTheFlaggedMessageAndResolvesItWithANote() {
        TestSchools.School own = schools.create();
        long conversation = Db.insert(jdbc, """
                        INSERT INTO conversation (school_id, user_id, assistant, title, created_at, updated_at)
                        VALUES (?, ?, 'BUDDY', '数学作业', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""", own.id(), own.student1());
        long flagged = 0;
        for (int i = 0; i < 12; i++) {
            long id = Db.insert(jdbc, """
                            INSERT INTO message (conversation_id, school_id, role, content, status, category, severity, created_at)
                            VALUES (?, ?, ?, ?, 'COMPLETE', ?, ?, CURRENT_TIMESTAMP)""", conversation, own.id(),
                    i % 2 == 0 ? "USER" : "ASSISTANT", i == 8 ? "他们天天在群里骂我，我不想去学校了" : "第 " + i + " 条消息",
                    i == 8 ? "BULLYING" : null, i == 8 ? "MEDIUM" : null);
            flagged = i == 8 ? id : flagged;
        }
        long alert = Db.insert(jdbc, """
                        INSERT INTO alert (school_id, student_id, message_id, category, severity, excerpt, created_at, updated_at)
                        VALUES (?, ?, ?, 'BULLYING', 'MEDIUM', '他们天天在群里骂我', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""",
                own.id(), own.student1(), flagged);
        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        browser.go("/conversations");
        String item = "[data-alert='" + alert + "']";
        // The list is drawn again after each step: its text is read in one go, never from an element kept.
        browser.await(d -> shown(item).contains("新提醒"));
        assertThat(shown(item)).contains("一班学生");

        browser.find(item + " button[data-action=ACKNOWLEDGED]").click();
        browser.await(d -> shown(item).contains("处理中"));
        // The conversation opens at the flagged message, in one click.
        browser.find(item + " button.link").click();
        browser.await(d -> !d.findElements(By.cssSelector("#transcript .msg.flagged")).isEmpty());
        assertThat(browser.text("#transcript .msg.flagged")).contains("他们天天在群里骂我");
        assertThat(browser.driver.findElements(By.cssSelector("#transcript .msg"))).hasSize(12);

        browser.find(item + " button[data-action=RESOLVED]").click();
        browser.find(item + " .alert-form textarea").sendKeys("已和学生及家长谈过，班会上处理");
        browser.screenshot("teacher-alert");
        browser.find(item + " .alert-form button[type=submit]").click();
        // Resolved: gone from the open ones, kept with its history.
        browser.await(d -> d.findElements(By.cssSelector(item)).isEmpty());
        new Select(browser.find("#alert-filter")).selectByValue("RESOLVED");
        browser.find(item + " details.alert-history summary").click();
        browser.await(d -> shown(item + " details.alert-history").contains("已和学生及家长谈过，班会上处理"));
        assertThat(shown(item + " details.alert-history")).contains("确认收到").contains("处理完毕").contains("一班老师");
        browser.assertCleanPage();
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(375, 812));
        browser.screenshot("teacher-alert-phone");
        assertThat(jdbc.sql("SELECT status FROM alert WHERE id = ?").param(alert).query(String.class).single())
                .isEqualTo("RESOLVED");
    }

    @Test
    void theLibraryTheAssistantAndTheAccountPages(@TempDir Path files) throws IOException {
        TestSchools.School own = schools.create();
        browser.login(own.teacher1Name(), TestSchools.PASSWORD);

        // Upload a teaching note with its metadata, watch it become searchable, find it with its citation.
        browser.go("/library");
        Path note = files.resolve("note.md");
        Files.writeString(note, "# 算术平方根的常见错误\n\n学生常把 16 的算术平方根写成 ±4，混淆了平方根与算术平方根。"
                + "讲解时先让学生说出两者的定义，再用数轴表示。\n\n## 课后巩固\n\n" + "用三道小题巩固非负性。".repeat(60)
                + "\n", StandardCharsets.UTF_8);
        browser.find("#upload-file").sendKeys(note.toString());
        browser.find("#upload-author").sendKeys("一班老师");
        new Select(browser.find("#upload-kind")).selectByValue("TEACHING_NOTE");
        browser.find("#upload-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("upload-progress")).getText().contains("可检索"), Duration.ofSeconds(90));
        browser.find("#search-q").sendKeys("算术平方根 ±4");
        browser.find("#search-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("results")).getText().contains("《算术平方根的常见错误》（一班老师）"));
        browser.screenshot("teacher-library");
        browser.assertCleanPage();
        // The whole document, opened at the passage the search found, and its original file.
        browser.find("#results a.read-whole").click();
        browser.await(d -> !d.findElements(By.cssSelector("#document-body .passage.found")).isEmpty());
        assertThat(browser.text("#document-title")).isEqualTo("算术平方根的常见错误");
        assertThat(browser.text("#document-body .passage.found")).contains("写成 ±4");
        assertThat(browser.text("#document-body")).contains("课后巩固").contains("用三道小题巩固非负性");
        assertThat(browser.script("return fetch(document.getElementById('document-file').href).then(r => r.text())"))
                .isEqualTo(Files.readString(note, StandardCharsets.UTF_8));
        browser.screenshot("teacher-document");
        phoneScreenshot("teacher-document-phone");
        browser.assertCleanPage();

        // The assistant's reply streams in.
        SERVER.firstTokenMillis(50).tokensPerSecond(30);
        SERVER.when("班里", ScriptedModelServer.Reply.of("这个班目前有 1 名学生，还没有作答记录。建议先布置一次前测，了解学生对算术平方根的掌握情况。"));
        browser.go("/assistant");
        browser.find("#chat-input").sendKeys("班里的情况怎么样？");
        browser.find("#chat-send").click();
        browser.await(d -> {
            List<WebElement> replies = d.findElements(By.cssSelector(".msg.theirs .body"));
            return !replies.isEmpty() && replies.getLast().getText().contains("建议先布置一次前测");
        });
        browser.screenshot("teacher-assistant");
        browser.assertCleanPage();

        browser.go("/conversations");
        new Select(browser.find("#pick-student")).selectByValue(Long.toString(own.student1()));
        browser.find("#pick-form button[type=submit]").click();
        browser.await(d -> d.findElement(By.id("conversation-list")).getText().contains("没有对话"));
        browser.screenshot("teacher-conversations");
        browser.assertCleanPage();

        // A token for another program, shown once.
        browser.go("/account");
        browser.find("#token-name").sendKeys("阅卷系统");
        browser.find("#token-password").sendKeys(TestSchools.PASSWORD);
        browser.find("#token-form button[type=submit]").click();
        assertThat(browser.text("#token-new")).contains("请立即复制");
        browser.await(d -> d.findElement(By.id("tokens")).getText().contains("阅卷系统"));
        browser.assertCleanPage();
        // Changing one's own password starts from the account page (PasswordPagesTest changes one).
        browser.find("#account-password").click();
        browser.await(d -> d.getCurrentUrl().endsWith("/account/password"));
        assertThat(browser.driver.findElements(By.id("password-required"))).as("nobody asked this teacher to").isEmpty();
        browser.screenshot("account-password");
        browser.assertCleanPage();

        // English when chosen, remembered for the next page.
        browser.go("/?lang=en");
        browser.await(d -> d.findElement(By.tagName("h1")).getText().startsWith("Hello"));
        browser.go("/plans");
        assertThat(browser.text("h1")).isEqualTo("Lesson plans");
        browser.screenshot("teacher-home-english");
        browser.assertCleanPage();
    }

    private String plan(long kp, List<Long> items) {
        Map<String, Object> tier = Map.of("tasks", List.of("完成课本习题"), "itemIds", List.of(items.get(1)));
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("title", "勾股定理（第一课时）");
        plan.put("objectives", List.of(Map.of("text", "经历拼图验证，理解勾股定理", "kpIds", List.of(kp))));
        plan.put("keyPoints", List.of("勾股定理的内容"));
        plan.put("difficulties", List.of("用面积法证明勾股定理"));
        plan.put("learnerAnalysis", "本班学生已学过直角三角形的性质，部分同学对面积法还不熟悉，详见下表。");
        plan.put("preparation", List.of("方格纸", "拼图学具"));
        plan.put("process", List.of(
                Map.of("name", "情境导入", "minutes", 5, "teacherActivities", "展示古代测量故事",
                        "studentActivities", "思考", "intent", "激发兴趣"),
                Map.of("name", "探究新知", "minutes", 30, "teacherActivities", "组织拼图",
                        "studentActivities", "动手拼图", "intent", "经历发现过程"),
                Map.of("name", "练习小结", "minutes", 10, "teacherActivities", "巡视",
                        "studentActivities", "完成课堂检测", "intent", "巩固")));
        plan.put("boardDesign", "a² + b² = c²");
        plan.put("exitTicket", Map.of("itemIds", List.of(items.getFirst()), "newItems", List.of()));
        plan.put("homework", Map.of("basic", tier, "core", tier, "extended", tier));
        plan.put("references", List.of());
        return json.writeValueAsString(plan);
    }

    /** The page as it is now on a 375 px phone, then back to the laptop's width. */
    private void phoneScreenshot(String name) {
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(375, 812));
        browser.screenshot(name);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 900));
    }

    /** The text of what the selector finds now, read in one step (empty when nothing is there yet). */
    private String shown(String css) {
        Object text = browser.script("return document.querySelector(arguments[0])?.innerText || ''", css);
        return String.valueOf(text);
    }
}
