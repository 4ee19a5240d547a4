package io.xueban.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import io.xueban.TestSchools;

/**
 * The loop in the pages: a teacher sets a lesson plan's 分层作业 for the class's three tiers and a
 * student does it on a phone; the live view of an in-class check follows three students as they
 * answer; the results page names who is missing and exports a workbook with the right rows.
 */
class AssignmentPagesTest extends PagesTest {

    @Test
    void aTeacherSetsAPlansTieredHomeworkForTheThreeTiersAndAStudentOnAPhoneDoesIt() throws Exception {
        TestSchools.School own = schools.create();
        schools.moreStudents(own, 5);
        long plan = schools.lessonPlan(own, List.of(own.choiceItem()), List.of(own.choiceItem()),
                List.of(own.fillInItem()), List.of(own.choiceItem(), own.fillInItem()));

        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        String before = heatMapRow(own.class1(), own.student1Name());
        browser.go("/plans/" + plan);
        browser.find("#assign-homework").click();
        browser.await(d -> d.getCurrentUrl().contains("/assignments/new"));
        browser.await(d -> !d.findElements(By.cssSelector("#plan option[value='%d']".formatted(plan))).isEmpty());
        browser.find("#propose").click();
        browser.await(d -> d.findElements(By.cssSelector("fieldset.part")).size() == 3);
        String parts = browser.text("#parts");
        assertThat(parts).contains("基础").contains("提高").contains("拓展");
        assertThat(browser.driver.findElements(By.cssSelector("fieldset.part .part-students li"))).hasSize(6);
        assertThat(browser.find("#title").getAttribute("value")).contains("分层作业");
        // Due tomorrow evening, typed in the school's time zone (Asia/Shanghai, UTC+8).
        String due = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).plusDays(1) + "T20:00";
        browser.script("document.getElementById('due-at').value = arguments[0]", due);
        browser.screenshot("teacher-assignment-new");
        browser.assertCleanPage();
        browser.find("#publish").click();
        browser.await(d -> d.getCurrentUrl().matches(".*/assignments/\\d+$"));
        long id = Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*/", ""));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM assignment_part WHERE assignment_id = ?").param(id)
                .query(Integer.class).single()).isEqualTo(3);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM assignment_student WHERE assignment_id = ?").param(id)
                .query(Integer.class).single()).isEqualTo(6);
        assertThat(jdbc.sql("SELECT due_at FROM assignment WHERE id = ?").param(id).query(java.time.OffsetDateTime.class)
                .single().toInstant()).isEqualTo(java.time.LocalDateTime.parse(due).atZone(java.time.ZoneId.of("Asia/Shanghai"))
                .toInstant());
        browser.await(d -> d.findElement(By.id("results-summary")).getText().contains("6 名学生中 0 人已提交"));
        assertThat(browser.text("#assignment-meta")).contains("进行中").contains("基础");

        // A student on a phone: the task is there, with the items of their own tier.
        browser.driver.manage().window().setSize(new Dimension(375, 812));
        browser.logout();
        browser.login(own.student1Name(), TestSchools.PASSWORD);
        browser.go("/study/tasks");
        browser.find("#tasks-todo li[data-task='%d'] button".formatted(id)).click();
        List<Long> mine = jdbc.sql("""
                        SELECT i.item_id FROM assignment_part_item i JOIN assignment_student s
                          ON s.assignment_id = i.assignment_id AND s.part = i.part
                        WHERE s.assignment_id = ? AND s.student_id = ? ORDER BY i.position""")
                .params(id, own.student1()).query(Long.class).list();
        browser.await(d -> d.findElements(By.cssSelector("#task-items li.item")).size() == mine.size());
        for (long item : mine) {
            if (item == own.choiceItem()) {
                browser.find("#task-items li[data-item='%d'] input[value=A]".formatted(item)).click();
            } else {
                browser.find("#task-items li[data-item='%d'] input".formatted(item)).sendKeys("3");
                browser.find("#task-title").click();
            }
        }
        browser.await(d -> jdbc.sql("SELECT COUNT(*) FROM submission_answer WHERE assignment_id = ? AND student_id = ?")
                .params(id, own.student1()).query(Integer.class).single() == mine.size());
        browser.find("#task-submit").click();
        browser.await(d -> d.findElement(By.id("task-result")).getText().contains("已提交"));
        assertThat(browser.text("#task-result")).contains("100%");
        assertThat(browser.text("#task-items")).contains("答对了").contains("考查的知识点");
        assertThat((Long) browser.script("return document.documentElement.scrollWidth")).isLessThanOrEqualTo(375L);
        browser.screenshot("student-tiered-task-done");
        browser.assertCleanPage();
        // The student's path now lists the point answered.
        browser.go("/study/path");
        browser.await(d -> !d.findElements(By.cssSelector("#points li[data-kp='%d']".formatted(own.kp1()))).isEmpty());

        // The class dashboard moved for this student.
        browser.driver.manage().window().setSize(new Dimension(1366, 900));
        browser.logout();
        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        assertThat(heatMapRow(own.class1(), own.student1Name())).isNotEqualTo(before);
    }

    @Test
    void theLiveViewOfAnInClassCheckFollowsThreeStudentsAsTheyAnswer() throws Exception {
        TestSchools.School own = schools.create();
        List<String> others = schools.moreStudents(own, 2);
        long plan = schools.lessonPlan(own, List.of(own.choiceItem(), own.fillInItem()), List.of(own.choiceItem()),
                List.of(own.choiceItem()), List.of(own.choiceItem()));
        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        browser.go("/plans/" + plan);
        browser.find("#assign-check").click();
        browser.await(d -> !d.findElements(By.cssSelector("#plan option[value='%d']".formatted(plan))).isEmpty());
        browser.find("#propose").click();
        browser.await(d -> d.findElements(By.cssSelector("fieldset.part")).size() == 1);
        assertThat(browser.find("#kind").getAttribute("value")).isEqualTo("LIVE");
        browser.find("#save-draft").click();
        browser.await(d -> d.getCurrentUrl().matches(".*/assignments/\\d+$"));
        long id = Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*/", ""));
        browser.find("#publish").click(); // 开始课堂检测
        browser.await(d -> d.findElement(By.id("live-summary")).getText().contains("3 名学生中 0 人已开始作答"));

        String first = schools.bearer(own.student1Name());
        String second = schools.bearer(others.get(0));
        String third = schools.bearer(others.get(1));
        answer(first, id, own.choiceItem(), "A");
        browser.await(d -> d.findElement(By.id("live-summary")).getText().contains("3 名学生中 1 人已开始作答"));
        answer(second, id, own.choiceItem(), "B");
        String choice = "#live-items [data-item='%d']".formatted(own.choiceItem());
        browser.await(d -> live(choice).contains("B（±4）") && live(choice).contains("2 人作答，正确率 50%")
                && live(choice).contains("学生0"));
        answer(third, id, own.choiceItem(), "A");
        answer(third, id, own.fillInItem(), "3");
        mvc.perform(post("/api/me/tasks/" + id + "/submit").header(HttpHeaders.AUTHORIZATION, third))
                .andExpect(status().isOk());
        browser.await(d -> live("#live-summary").contains("3 人已开始作答，1 人已提交")
                && live("#live-waiting").contains("所有学生都开始作答了"));
        browser.await(d -> live("#live-items [data-item='%d']".formatted(own.fillInItem())).contains("1 人作答，正确率 100%"));
        browser.screenshot("teacher-live-check");
        browser.assertCleanPage();
        // A teacher walking the room follows it on a phone as well.
        browser.driver.manage().window().setSize(new Dimension(375, 812));
        browser.await(d -> (Long) browser.script("return document.documentElement.scrollWidth") <= 375L);
        browser.screenshot("teacher-live-check-phone");
        browser.driver.manage().window().setSize(new Dimension(1366, 900));

        // Closing collects the saved answers; the review puts the hardest item first.
        browser.script("window.confirm = () => true");
        browser.find("#close").click();
        browser.await(d -> d.findElement(By.id("results-summary")).getText().contains("3 名学生中 3 人已提交"));
        browser.find("#load-review").click();
        browser.await(d -> d.findElements(By.cssSelector("#review li.review-item")).size() == 2);
        assertThat(browser.find("#review li.review-item").getAttribute("data-item"))
                .isEqualTo(Long.toString(own.fillInItem()));
        assertThat(browser.text("#review")).contains("常见错误").contains("16 的算术平方根是非负的 4");
        browser.screenshot("teacher-review");
        browser.assertCleanPage();
    }

    @Test
    void theResultsPageNamesTheMissingStudentAndExportsAWorkbookWithTheRightRows() throws Exception {
        TestSchools.School own = schools.create();
        String missing = schools.moreStudents(own, 1).getFirst();
        String teacher = schools.bearer(own.teacher1Name());
        String created = mvc.perform(post("/api/assignments").header(HttpHeaders.AUTHORIZATION, teacher)
                        .contentType(MediaType.APPLICATION_JSON).content("""
                                {"classId":%d,"title":"二次根式 课后作业","itemIds":[%d,%d],"dueAt":"%s"}"""
                                .formatted(own.class1(), own.choiceItem(), own.fillInItem(),
                                        Instant.now().plusSeconds(86_400))))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long id = json.readTree(created).get("id").asLong();
        mvc.perform(post("/api/assignments/" + id + "/publish").header(HttpHeaders.AUTHORIZATION, teacher))
                .andExpect(status().isOk());
        String student = schools.bearer(own.student1Name());
        answer(student, id, own.choiceItem(), "A");
        answer(student, id, own.fillInItem(), "4");
        mvc.perform(post("/api/me/tasks/" + id + "/submit").header(HttpHeaders.AUTHORIZATION, student))
                .andExpect(status().isOk());

        browser.login(own.teacher1Name(), TestSchools.PASSWORD);
        browser.go("/assignments?classId=" + own.class1());
        browser.find("#assignments a[href='/assignments/%d']".formatted(id)).click();
        browser.await(d -> d.findElement(By.id("results-summary")).getText().contains("2 名学生中 1 人已提交"));
        String table = browser.text("#results");
        assertThat(table).contains("学生0").contains("未交").contains("50%");
        assertThat(browser.text("#items")).contains("I-1").contains("100%").contains("I-2").contains("0%");
        browser.screenshot("teacher-assignment-results");
        browser.assertCleanPage();

        // The workbook as the page's link gives it, fetched in the teacher's own session.
        String href = browser.find("#export-xlsx").getAttribute("href");
        String base64 = (String) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
                  let s = ''; new Uint8Array(b).forEach(c => { s += String.fromCharCode(c); }); done(btoa(s));
                });""", href);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
            Sheet sheet = book.getSheetAt(0);
            assertThat(sheet.getRow(0).getCell(0).getStringCellValue()).isEqualTo("学号");
            Map<String, String> states = new HashMap<>();
            for (int r = 1; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                states.put(row.getCell(0).getStringCellValue(), row.getCell(3).getStringCellValue());
                if (row.getCell(0).getStringCellValue().equals(own.student1Name())) {
                    assertThat(row.getCell(4).getNumericCellValue()).isEqualTo(0.5);
                }
            }
            assertThat(states).containsEntry(own.student1Name(), "已提交").containsEntry(missing, "未交").hasSize(2);
        }
    }

    /**
     * The text of a part of the live view, read in one step: each live event redraws it, so an
     * element found a moment ago may be gone.
     */
    private String live(String css) {
        Object text = browser.script("const e = document.querySelector(arguments[0]); return e ? e.innerText : ''", css);
        return String.valueOf(text);
    }

    private void answer(String bearer, long assignment, long item, String answer) throws Exception {
        mvc.perform(put("/api/me/tasks/" + assignment + "/answers/" + item).header(HttpHeaders.AUTHORIZATION, bearer)
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(Map.of("answer", answer))))
                .andExpect(status().isNoContent());
    }

    /** The student's row of the class dashboard's heat-map table, as the teacher reads it. */
    private String heatMapRow(long classId, String username) {
        browser.go("/classes/" + classId);
        String name = jdbc.sql("SELECT display_name FROM app_user WHERE username = ?").param(username)
                .query(String.class).single();
        // The table sits folded under the chart: read it as text, shown or not.
        return browser.await(d -> d.findElements(By.cssSelector("#heatmap-table tbody tr")).stream()
                .map(row -> row.getAttribute("textContent")).filter(text -> text.startsWith(name)).findFirst().orElse(null));
    }
}
