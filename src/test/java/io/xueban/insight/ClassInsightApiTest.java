package io.xueban.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import io.xueban.school.Roster;
import io.xueban.security.Role;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Six students of one class answer the choice item (key A): two choose A, three B, one C; the
 * ones who chose A also get the fill-in item right, the others not.
 */
@XuebanTest
class ClassInsightApiTest {

    private static final List<String> CHOICES = List.of("A", "A", "B", "B", "B", "C");

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    Roster roster;
    @Autowired
    JsonMapper json;

    TestSchools.School school;
    List<Long> students;

    @BeforeEach
    void answers() throws Exception {
        school = schools.create();
        students = new ArrayList<>(List.of(school.student1()));
        for (int s = 2; s <= CHOICES.size(); s++) {
            long id = roster.createUser(school.id(), school.prefix() + ".c" + s, "学生" + s, Role.STUDENT,
                    "{noop}unused-password", true);
            roster.enrol(school.id(), school.class1(), id);
            students.add(id);
        }
        for (int s = 0; s < students.size(); s++) {
            answer(students.get(s), school.choiceItem(), CHOICES.get(s));
            answer(students.get(s), school.fillInItem(), CHOICES.get(s).equals("A") ? "3" : "9");
        }
    }

    @Test
    void itemStatisticsForAClassNameWhoChoseWhichWrongOption() throws Exception {
        JsonNode choice = item(get("/api/insight/item-statistics?classId=" + school.class1()), school.teacher1Name(),
                school.choiceItem());

        assertThat(choice.get("answers").asInt()).isEqualTo(6);
        assertThat(choice.get("pValue").asDouble()).isCloseTo(2.0 / 6, within(1e-9));
        assertThat(choice.get("pointBiserial").asDouble()).isCloseTo(1.0, within(1e-9));
        JsonNode options = choice.get("options");
        assertThat(options).hasSize(4);
        assertThat(options.get(0).get("option").asString()).isEqualTo("A");
        assertThat(options.get(0).get("key").asBoolean()).isTrue();
        assertThat(options.get(0).get("count").asInt()).isEqualTo(2);
        assertThat(options.get(1).get("count").asInt()).isEqualTo(3);
        assertThat(options.get(1).get("text").asString()).isEqualTo("±4");
        assertThat(options.get(1).get("chosenBy")).extracting(node -> node.get("name").asString())
                .containsExactlyInAnyOrder("学生3", "学生4", "学生5");
        assertThat(options.get(3).get("count").asInt()).isZero();
    }

    @Test
    void schoolWideStatisticsNameNobody() throws Exception {
        JsonNode choice = item(get("/api/insight/item-statistics"), school.adminName(), school.choiceItem());

        assertThat(choice.get("answers").asInt()).isEqualTo(6);
        choice.get("options").forEach(option -> assertThat(option.get("chosenBy")).isEmpty());
    }

    @Test
    void theProfileHasTiersAndTheSharedWrongAnswer() throws Exception {
        JsonNode profile = read(get("/api/classes/" + school.class1() + "/profile"), school.teacher1Name());

        assertThat(profile.get("students").asInt()).isEqualTo(6);
        assertThat(profile.get("tiers")).extracting(tier -> tier.get("label").asString()).containsExactly("基础", "提高", "拓展");
        profile.get("tiers").forEach(tier -> assertThat(tier.get("studentIds")).hasSize(2));
        // Those who chose A (and got the fill-in right) are the top tier.
        assertThat(profile.get("tiers").get(2).get("studentIds")).extracting(JsonNode::asLong)
                .containsExactlyInAnyOrder(students.get(0), students.get(1));
        JsonNode misconception = profile.get("misconceptions").get(0);
        assertThat(misconception.get("itemId").asLong()).isEqualTo(school.choiceItem());
        assertThat(misconception.get("option").asString()).isEqualTo("B");
        assertThat(misconception.get("optionText").asString()).isEqualTo("±4");
        assertThat(misconception.get("chosenBy").asInt()).isEqualTo(3);
        assertThat(profile.get("knowledgePoints")).hasSize(2);
    }

    @Test
    void studentsAtRiskIncludeWeakPrerequisitesOfTheComingLessons() throws Exception {
        // The coming lesson is about KP-2, which needs KP-1.
        JsonNode atRisk = read(get("/api/classes/" + school.class1() + "/at-risk?kpIds=" + school.kp2()), school.teacher1Name());

        assertThat(atRisk).isNotEmpty();
        List<Long> weakKps = new ArrayList<>();
        atRisk.forEach(student -> student.get("weak").forEach(kp -> weakKps.add(kp.get("kpId").asLong())));
        assertThat(weakKps).contains(school.kp1());
        // The students who got everything wrong come before those who got everything right, if those are at risk at all.
        List<Long> order = new ArrayList<>();
        atRisk.forEach(student -> order.add(student.get("studentId").asLong()));
        if (order.contains(students.get(0))) {
            assertThat(order.indexOf(students.get(2))).isLessThan(order.indexOf(students.get(0)));
        }
    }

    private void answer(long student, long item, String answer) throws Exception {
        mvc.perform(post("/api/responses").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"studentId\":%d,\"itemId\":%d,\"answer\":\"%s\"}".formatted(student, item, answer))
                        .header(HttpHeaders.AUTHORIZATION, schools.bearer(school.teacher1Name())))
                .andExpect(status().isCreated());
    }

    private JsonNode read(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request, String user)
            throws Exception {
        return json.readTree(mvc.perform(request.header(HttpHeaders.AUTHORIZATION, schools.bearer(user)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    private JsonNode item(org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request, String user,
            long itemId) throws Exception {
        for (JsonNode item : read(request, user)) {
            if (item.get("itemId").asLong() == itemId) {
                return item;
            }
        }
        throw new AssertionError("no statistics for item " + itemId);
    }
}
