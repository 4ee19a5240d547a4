package io.xueban.web;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import io.xueban.TestSchools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The item bank page (题库): a teacher browses a school's bank by knowledge point, reads a choice
 * item with its options, key, explanation and how students answered it, adds an item (after a
 * refusal shown as a sentence) and changes it, at a laptop's width and a phone's; a student is
 * kept out.
 */
class ItemBankPageTest extends PagesTest {

    @Test
    void aTeacherBrowsesTheBankByPointThenAddsAndEditsAnItem() throws Exception {
        TestSchools.School own = schools.create();
        answer(own.student1Name(), own.choiceItem(), "A");
        answer(own.student2Name(), own.choiceItem(), "B");

        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        browser.find("nav a[href='/items']").click();
        browser.await(d -> cards().size() == 2);

        // By point: the second point is tested by the fill-in item only, the first by both.
        new Select(browser.find("#items-kp")).selectByValue(Long.toString(own.kp2()));
        browser.await(d -> cards().size() == 1 && card(own.fillInItem()) != null);
        assertThat(browser.driver.getCurrentUrl()).contains("kpId=" + own.kp2());
        new Select(browser.find("#items-kp")).selectByValue(Long.toString(own.kp1()));
        browser.await(d -> cards().size() == 2);
        // By type: choice items only.
        new Select(browser.find("#items-type")).selectByValue("SINGLE_CHOICE");
        browser.await(d -> cards().size() == 1 && card(own.choiceItem()) != null);

        WebElement choice = card(own.choiceItem());
        assertThat(choice.getText()).contains("I-1", "单选题", "记忆", "16 的算术平方根是", "±4", "正确答案：A",
                "16 的算术平方根是非负的 4；±4 是 16 的平方根。", "知识点：算术平方根",
                "2 名学生作答，第一次答对的占 50%");
        assertThat(choice.findElement(By.cssSelector("li[data-option=A]")).getAttribute("class")).contains("key");
        assertThat(choice.findElement(By.cssSelector("li[data-option=B]")).getText()).contains("±4", "1 人选（50%）");
        assertThat(choice.findElement(By.cssSelector("li[data-option=C]")).getText()).contains("0 人选（0%）");
        browser.screenshot("teacher-items");
        browser.assertCleanPage();

        // A new item on the point being browsed; a key beyond its options is refused in a sentence, nothing stored.
        int before = schools.rows("item", own.id());
        browser.find("#item-add").click();
        assertThat(browser.find("#item-kps input[value='%d']".formatted(own.kp1())).isSelected()).isTrue();
        assertThat(browser.find("#item-type").getAttribute("value")).isEqualTo("SINGLE_CHOICE");
        browser.find("#item-code").sendKeys("I-NEW");
        browser.find("#item-stem").sendKeys("$\\sqrt{25}$ 等于（　　）");
        browser.find("#item-options").sendKeys("5\n−5\n±5");
        browser.find("#item-key").sendKeys("E");
        browser.find("#item-explanation").sendKeys("25 的算术平方根是 5。");
        browser.find("#item-save").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("答案 \"E\" 必须是 A 到 C 之间的选项字母"));
        assertThat(schools.rows("item", own.id())).isEqualTo(before);
        browser.assertCleanPage();
        browser.find("#item-key").clear();
        browser.find("#item-key").sendKeys("A");
        browser.find("#item-save").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("题目 I-NEW 已保存"));
        List<String> added = jdbc.sql("SELECT id, answer_key, explanation FROM item WHERE school_id = ? AND code = 'I-NEW'")
                .param(own.id()).query((rs, n) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3))).single();
        assertThat(added.subList(1, 3)).containsExactly("A", "25 的算术平方根是 5。");
        long id = Long.parseLong(added.getFirst());
        browser.await(d -> card(id) != null);
        assertThat(card(id).findElements(By.cssSelector(".stem .katex"))).as("the stem's maths by KaTeX").isNotEmpty();
        assertThat(card(id).getText()).contains("±5", "正确答案：A", "25 的算术平方根是 5。", "还没有学生作答");

        // Edited: a point left out is refused field by field, in words; then the key and the explanation change.
        card(id).findElement(By.cssSelector("button.item-edit")).click();
        assertThat(browser.find("#item-form-title").getText()).contains("I-NEW");
        assertThat(browser.find("#item-options").getAttribute("value")).isEqualTo("5\n−5\n±5");
        browser.find("#item-kps input[value='%d']".formatted(own.kp1())).click();
        browser.find("#item-save").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().startsWith("知识点："));
        assertThat(browser.text("#flash")).doesNotContain("kpIds", "errors");
        browser.find("#item-kps input[value='%d']".formatted(own.kp2())).click();
        browser.find("#item-key").clear();
        browser.find("#item-key").sendKeys("C");
        browser.find("#item-explanation").clear();
        browser.find("#item-explanation").sendKeys("±5 是 25 的平方根。");
        browser.find("#item-save").click();
        browser.await(d -> d.findElement(By.id("flash")).getText().contains("题目 I-NEW 已保存"));
        assertThat(jdbc.sql("SELECT answer_key FROM item WHERE id = ?").param(id).query(String.class).single()).isEqualTo("C");
        assertThat(jdbc.sql("SELECT kp_id FROM item_kp WHERE item_id = ?").param(id).query(Long.class).list())
                .containsExactly(own.kp2());
        assertThat(schools.rows("item", own.id())).isEqualTo(before + 1);
        // Tagged to the second point now, so no longer among the first point's items.
        browser.await(d -> card(id) == null && cards().size() == 1);
        new Select(browser.find("#items-kp")).selectByValue(Long.toString(own.kp2()));
        browser.await(d -> card(id) != null && card(id).getText().contains("正确答案：C"));
        assertThat(card(id).findElement(By.cssSelector("li[data-option=C]")).getAttribute("class")).contains("key");
        browser.assertCleanPage();

        // A phone: the same page, nothing wider than the screen.
        browser.driver.manage().window().setSize(new Dimension(375, 812));
        browser.go("/items?subjectId=%d&kpId=%d".formatted(own.subject(), own.kp1()));
        browser.await(d -> cards().size() == 2);
        browser.await(d -> (Long) browser.script("return document.documentElement.scrollWidth") <= 375L);
        browser.script("arguments[0].scrollIntoView()", card(own.choiceItem()));
        browser.screenshot("teacher-items-phone");
        browser.find("#item-add").click();
        browser.await(d -> (Long) browser.script("return document.documentElement.scrollWidth") <= 375L);
        browser.assertCleanPage();
    }

    @Test
    void aStudentIsKeptOutOfTheItemBank() {
        TestSchools.School own = schools.create();
        browser.login(own.student1Name(), TestSchools.PASSWORD);
        browser.go("/items");
        assertThat(browser.text("main")).contains("你没有权限打开这个页面");
        assertThat(browser.driver.findElements(By.cssSelector("#items"))).isEmpty();
    }

    private List<WebElement> cards() {
        return browser.driver.findElements(By.cssSelector("#items li.item-card"));
    }

    private WebElement card(long item) {
        return browser.driver.findElements(By.cssSelector("#items li.item-card[data-item='%d']".formatted(item))).stream()
                .findFirst().orElse(null);
    }

    private void answer(String student, long item, String answer) throws Exception {
        mvc.perform(post("/api/responses")
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(student))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"itemId\":%d,\"answer\":\"%s\"}".formatted(item, answer)))
                .andExpect(status().isCreated());
    }
}
