package io.xueban.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import io.xueban.TestSchools;
import io.xueban.llm.ScriptedModelServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A student on a phone-sized screen (375 px): the AI-use policy on the first visit and a streamed
 * reply from the study buddy, a point answered right four times shown as mastered (a school of
 * the test's own), an answered item that changes the path and a teacher's page refused (the demo
 * school, whose history gives a path with items).
 */
class StudentPagesTest extends PagesTest {

    @Override
    int[] windowSize() {
        return new int[] {375, 812};
    }

    @Test
    void aStudentAcceptsThePolicyAndSeesTheBuddysReplyStreamIn() throws Exception {
        String reply = "我们先想一想：直角三角形的三条边之间，有什么关系？试着量一量 $a$、$b$、$c$，算一算 $a^2+b^2$ 和 $c^2$。"
                + "你发现了什么规律？先别急着看答案，把你的猜想写下来，我们一起检验。"
                // What a model must never get onto the page: links to follow, images, markup that runs.
                + "\n\n[点这里看答案](javascript:window.followed=1) ![图](x.png)"
                + " <img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>"
                // Maths put inside an attribute must not break out of it.
                + " <span data-x=\"$x$ <img src=y onerror=window.pwned=3>\">看这里</span>";
        SERVER.firstTokenMillis(50).tokensPerSecond(25);
        SERVER.when("勾股定理", ScriptedModelServer.Reply.of(reply));
        TestSchools.School own = schools.create();
        browser.login(own.student1Name(), TestSchools.PASSWORD);

        assertThat(browser.driver.getCurrentUrl()).endsWith("/study");
        browser.find("#policy-text");
        browser.screenshot("student-policy");
        browser.find("#policy-accept").click();

        WebElement input = browser.find("#chat-input");
        input.sendKeys("勾股定理是怎么来的？");
        browser.find("#chat-send").click();
        // Tokens arrive one after another: the reply is seen part-written before it is whole.
        String partial = browser.await(d -> {
            String shown = lastReply();
            return !shown.isBlank() && shown.length() < 60 ? shown : null;
        });
        assertThat(reply.replace("$", "")).startsWith(partial.substring(0, Math.min(4, partial.length())));
        browser.await(d -> lastReply().contains("把你的猜想写下来，我们一起检验"));
        // Maths rendered by KaTeX, its TeX kept for copying.
        assertThat(browser.driver.findElements(By.cssSelector(".msg.theirs .katex"))).isNotEmpty();
        // Every reply is visibly the AI's; the student's own words are not marked.
        assertThat(browser.text(".msg.theirs .ai-mark")).isEqualTo("AI 生成 · 仅供参考");
        assertThat(browser.driver.findElements(By.cssSelector(".msg.mine .ai-mark"))).isEmpty();
        // Shown safely: the link's words stay as text, nothing to click, no image, nothing ran.
        browser.await(d -> lastReply().contains("点这里看答案"));
        assertThat(browser.driver.findElements(By.cssSelector(".msg a, .msg img, .msg script, .msg [onerror]"))).isEmpty();
        assertThat(browser.script("return window.pwned === undefined && window.followed === undefined")).isEqualTo(true);
        browser.screenshot("student-chat");
        browser.assertCleanPage();
        // Over the school's daily cap: told kindly, as a note, and the unsent words stay in the box.
        String admin = schools.bearer(own.adminName());
        String settings = mvc.perform(get("/api/safety-settings").header(HttpHeaders.AUTHORIZATION, admin))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        mvc.perform(put("/api/safety-settings").header(HttpHeaders.AUTHORIZATION, admin)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(settings.replaceFirst("\"dailyCap\":\\d+", "\"dailyCap\":1")))
                .andExpect(status().isOk());
        // The send button is back once the reply has ended (done), not just once its last words show.
        browser.await(d -> d.findElement(By.id("chat-send")).isEnabled());
        browser.find("#chat-input").sendKeys("还有一个问题");
        browser.find("#chat-send").click();
        String note = browser.await(d -> {
            var shown = d.findElements(By.cssSelector("#chat-log .note"));
            return shown.isEmpty() ? null : shown.getFirst().getText();
        });
        assertThat(note).contains("今天的 1 次聊天已经用完了");
        assertThat(browser.find("#chat-input").getAttribute("value")).isEqualTo("还有一个问题");
        browser.screenshot("student-chat-cap");

        long student = own.student1();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM message m JOIN conversation c ON c.id = m.conversation_id "
                + "WHERE c.user_id = ? AND m.status = 'COMPLETE'").param(student).query(Integer.class).single())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void aStudentOnAPhoneAnswersAnAssignmentSubmitsItAndSeesFeedback() throws Exception {
        TestSchools.School own = schools.create();
        String teacher = schools.bearer(own.teacher1Name());
        String created = mvc.perform(post("/api/assignments").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                {"classId":%d,"title":"二次根式 课后作业","note":"今晚完成","itemIds":[%d,%d]}"""
                                .formatted(own.class1(), own.choiceItem(), own.fillInItem())))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long assignment = json.readTree(created).get("id").asLong();
        mvc.perform(post("/api/assignments/" + assignment + "/publish").header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk());

        browser.login(own.student1Name(), TestSchools.PASSWORD);
        browser.go("/study/tasks");
        browser.find("#tasks-todo li[data-task='%d'] button".formatted(assignment)).click();
        browser.await(d -> d.findElements(By.cssSelector("#task-items li.item")).size() == 2);
        assertThat(browser.text("#task-note")).isEqualTo("今晚完成");
        browser.find("#task-items li[data-item='%d'] input[value=A]".formatted(own.choiceItem())).click();
        browser.await(d -> d.findElement(By.id("task-result")).getText().contains("已保存"));
        var blank = browser.find("#task-items li[data-item='%d'] input".formatted(own.fillInItem()));
        blank.sendKeys("5");
        browser.find("#task-title").click(); // leaving the blank saves it
        browser.await(d -> jdbc.sql("SELECT COUNT(*) FROM submission_answer WHERE assignment_id = ?").param(assignment)
                .query(Integer.class).single() == 2);
        browser.screenshot("student-task");
        browser.find("#task-submit").click();

        browser.await(d -> d.findElement(By.id("task-result")).getText().contains("已提交"));
        assertThat(browser.text("#task-result")).contains("50%");
        String items = browser.text("#task-items");
        assertThat(items).contains("答对了").contains("正确答案").contains("3")
                .contains("解析").contains("16 的算术平方根是非负的 4").contains("考查的知识点");
        assertThat(browser.driver.findElements(By.cssSelector("#task-items button.ask"))).hasSize(2);
        assertThat(browser.driver.findElements(By.cssSelector("#task-items input:not([disabled])"))).isEmpty();
        assertThat(browser.driver.findElement(By.id("task-submit")).isDisplayed()).isFalse();
        browser.await(d -> d.findElement(By.id("tasks-done")).getText().contains("已提交"));
        browser.screenshot("student-task-submitted");
        browser.assertCleanPage();
    }

    @Test
    void aStudentAnswersAnItemOnTheirPathAndThePathChanges() {
        demoSchool();
        browser.login("s080139", DEMO_PASSWORD);
        browser.go("/study/path");
        WebElement firstItem = browser.find("#steps form.item[data-item]");
        String before = browser.text("#steps");
        long item = Long.parseLong(firstItem.getAttribute("data-item"));
        List<WebElement> choices = firstItem.findElements(By.cssSelector("input[type=radio], input[type=checkbox]"));
        if (choices.isEmpty()) {
            firstItem.findElement(By.cssSelector("input")).sendKeys("0");
        } else {
            choices.getFirst().click();
        }
        browser.screenshot("student-path");
        firstItem.findElement(By.cssSelector("button[type=submit]")).click();
        browser.await(d -> !firstItem.findElement(By.cssSelector(".result")).getText().isBlank());
        // After a wrong answer the page waits for the student to read the right one and go on.
        firstItem.findElements(By.cssSelector(".after-wrong button.next")).forEach(WebElement::click);

        long student = studentId("s080139");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM response WHERE student_id = ? AND item_id = ? AND source = 'TYPED'")
                .params(student, item).query(Integer.class).single()).isEqualTo(1);
        // The page asks for the path again and shows what changed (the chances of success at the least).
        browser.await(d -> {
            try {
                return !browser.driver.findElement(By.id("steps")).getText().equals(before);
            } catch (org.openqa.selenium.StaleElementReferenceException rerendered) {
                return false;
            }
        });
        browser.assertCleanPage();
    }

    @Test
    void aStudentWithFourRightAnswersOnAPointSeesItMastered() throws Exception {
        TestSchools.School own = schools.create();
        for (int i = 0; i < 4; i++) {
            mvc.perform(post("/api/responses")
                            .header(HttpHeaders.AUTHORIZATION, schools.bearer(own.teacher1Name()))
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"studentId\":%d,\"itemId\":%d,\"answer\":\"A\"}".formatted(own.student1(), own.choiceItem())))
                    .andExpect(status().isCreated());
        }
        browser.login(own.student1Name(), TestSchools.PASSWORD);
        browser.go("/study/path");

        WebElement point = browser.find("#points li[data-kp='" + own.kp1() + "']");
        assertThat(point.getText()).containsAnyOf("基本掌握", "熟练").contains("最近 4 次作答对了 4 次").doesNotContain("%");
        // A point not answered yet is not listed.
        assertThat(browser.driver.findElements(By.cssSelector("#points li[data-kp='" + own.kp2() + "']"))).isEmpty();
        browser.screenshot("student-points");
        browser.assertCleanPage();
    }

    @Test
    void aWrongAnswerOnThePathShowsTheRightOneAndTheBuddyCanBeAskedAboutIt() {
        demoSchool();
        browser.login("s080137", DEMO_PASSWORD);
        browser.go("/study/path");
        WebElement form = browser.find("#steps form.item[data-item]:has(button[type=submit])");
        long item = Long.parseLong(form.getAttribute("data-item"));
        String key = jdbc.sql("SELECT answer_key FROM item WHERE id = ?").param(item).query(String.class).single();
        List<WebElement> choices = form.findElements(By.cssSelector("input[type=radio], input[type=checkbox]"));
        if (choices.isEmpty()) {
            form.findElement(By.cssSelector("input")).sendKeys("不知道");
        } else {
            // One option that is not the key (a multiple choice's key has more than one, or another).
            choices.stream().filter(c -> !c.getAttribute("value").equals(key)).findFirst().orElseThrow().click();
        }
        form.findElement(By.cssSelector("button[type=submit]")).click();

        WebElement wrong = browser.await(d -> {
            WebElement shown = form.findElement(By.cssSelector(".after-wrong"));
            return shown.getText().contains("正确答案：" + key) ? shown : null;
        });
        browser.screenshot("student-wrong-answer");
        wrong.findElement(By.cssSelector("button.ask")).click();
        browser.await(d -> d.getCurrentUrl().contains("/study?conversation="));
        long conversation = Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*conversation=", ""));
        // The chat page opens on it: the AI-use policy first, or the conversation itself.
        browser.find("#policy-accept, #chat-input");
        assertThat(jdbc.sql("SELECT item_id FROM conversation WHERE id = ?").param(conversation).query(Long.class).single())
                .isEqualTo(item);
        browser.assertCleanPage();
    }

    @Test
    void aStudentCannotOpenATeachersPage() {
        long classId = demoClass("初二(1)班");
        browser.login("s080138", DEMO_PASSWORD);
        for (String page : List.of("/classes/" + classId, "/plans/new", "/admin/users", "/library")) {
            browser.go(page);
            assertThat(browser.text("main")).as(page).contains("你没有权限打开这个页面");
        }
        browser.screenshot("student-refused");
        browser.go("/no-such-page");
        assertThat(browser.text("main")).contains("没有这个页面");
        browser.go("/study/photo");
        browser.find("#photo-item option");
        browser.screenshot("student-photo");
        browser.assertCleanPage();
    }

    private String lastReply() {
        try {
            List<WebElement> replies = browser.driver.findElements(By.cssSelector(".msg.theirs .body"));
            return replies.isEmpty() ? "" : replies.getLast().getText();
        } catch (org.openqa.selenium.StaleElementReferenceException rerendered) {
            return ""; // the bubble was re-rendered between finding it and reading it: read again
        }
    }

    private long studentId(String username) {
        return jdbc.sql("SELECT id FROM app_user WHERE username = ?").param(username).query(Long.class).single();
    }
}
