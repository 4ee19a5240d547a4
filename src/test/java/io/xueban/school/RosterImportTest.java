package io.xueban.school;

import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.Map;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import io.xueban.TestSchools;
import io.xueban.XuebanTest;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@XuebanTest
class RosterImportTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    TestSchools schools;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;

    TestSchools.School school;

    @BeforeEach
    void school() {
        school = schools.create();
    }

    @Test
    void importsStudentsAndTeachersCreatingNewClasses() throws Exception {
        String p = school.prefix();
        String csv = """
                学号,姓名,角色,班级,年级,学科,密码
                %1$s-a,陈思远,学生,初三(1)班,9,,
                %1$s-b,林雨桐,student,初三(2)班,9,,secret-pass-1
                %1$s-c,赵老师,教师,初三(1)班;初三(2)班,9,数学,
                %1$s-d,钱老师,teacher,,,,
                """.formatted(p);

        String result = importRoster(csv, school.adminName())
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.usersCreated").value(4))
                .andExpect(jsonPath("$.classesCreated", hasSize(2)))
                .andExpect(jsonPath("$.enrolments").value(2))
                .andExpect(jsonPath("$.teachingAssignments").value(2))
                .andExpect(jsonPath("$.initialPasswords", hasSize(3)))
                .andReturn().getResponse().getContentAsString();

        // The new teacher signs in with the initial password and teaches both new classes.
        String teacher = p + "-c";
        String password = json.readTree(result).get("initialPasswords").valueStream()
                .filter(credential -> credential.get("username").asString().equals(teacher))
                .findFirst().orElseThrow().get("password").asString();
        String token = json.readTree(mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"%s\",\"password\":\"%s\"}".formatted(teacher, password)))
                .andExpect(status().isCreated())
                .andReturn().getResponse().getContentAsString()).get("token").asString();
        mvc.perform(get("/api/classes").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .andExpect(jsonPath("$", hasSize(2)))
                .andExpect(jsonPath("$[?(@.name == '初三(2)班')].studentCount").value(1));
        // The student who was given a password can use it.
        mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"%s-b\",\"password\":\"secret-pass-1\"}".formatted(p)))
                .andExpect(status().isCreated());
    }

    @Test
    void oneBadRowRejectsTheWholeFileAndListsEveryBadRow() throws Exception {
        String p = school.prefix();
        int usersBefore = count("app_user");
        int classesBefore = count("class_group");
        String csv = """
                username,display_name,role,class,grade
                %1$s-ok,好学生,student,初一(5)班,7
                %2$s,重名学生,student,初一(5)班,7
                %1$s-x,,student,初一(5)班,7
                %1$s-y,无班级学生,student,,
                %1$s-z,某人,校长,,
                %1$s-ok,重复学生,student,初一(5)班,7
                %1$s-n,新班学生,student,初一(6)班,
                """.formatted(p, school.student1Name());

        importRoster(csv, school.adminName())
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.code").value("invalid-rows"))
                .andExpect(jsonPath("$.errors[*].row").value(org.hamcrest.Matchers.contains(3, 4, 5, 6, 7, 8)))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("用户名不可用")));

        assertThat(count("app_user")).isEqualTo(usersBefore);
        assertThat(count("class_group")).isEqualTo(classesBefore);
    }

    @Test
    void fileThatIsNotUtf8IsRefusedWithAHint() throws Exception {
        byte[] gbk = "username,display_name,role,class,grade\nabc,陈思远,student,初一(1)班,7\n"
                .getBytes(Charset.forName("GBK"));
        mvc.perform(post("/api/roster").header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName()))
                        .contentType("text/csv").content(gbk))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("csv-not-utf8"))
                .andExpect(jsonPath("$.detail").value(containsString("CSV UTF-8")));
    }

    @Test
    void unknownOrMissingColumnsAreRefused() throws Exception {
        importRoster("username,display_name,role,shoe_size\n", school.adminName())
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("csv-unknown-column"));
        importRoster("username,role\nabc,student\n", school.adminName())
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("csv-missing-column"));
        importRoster("username,display_name,role\n\"abc,student\n", school.adminName())
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("csv-malformed"));
    }

    @Test
    void excelByteOrderMarkIsAccepted() throws Exception {
        String csv = "\uFEFFusername,display_name,role,class\n" + school.prefix() + "-bom,带BOM,student,初二(1)班\n";
        importRoster(csv, school.adminName()).andExpect(status().isCreated());
    }

    @Test
    void aLargeRosterIsCheckedAtOnceThenImportedInTheBackground() throws Exception {
        StringBuilder csv = new StringBuilder("username,display_name,role,class,grade\n");
        int rows = RosterImports.IN_REQUEST_ROWS + 100;
        for (int i = 0; i < rows; i++) {
            csv.append("%s-bulk%d,学生%d,student,初一(%d)班,7\n".formatted(school.prefix(), i, i, 1 + i % 15));
        }
        var accepted = importRoster(csv.toString(), school.adminName())
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.rows").value(rows))
                .andReturn().getResponse();
        String location = accepted.getHeader(HttpHeaders.LOCATION);
        assertThat(location).startsWith("/api/roster/imports/");

        JsonNode job = null;
        for (long deadline = System.nanoTime() + 120_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
            job = json.readTree(mvc.perform(get(location).header(HttpHeaders.AUTHORIZATION, schools.bearer(school.adminName())))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
            if (job.get("state").asString().equals("DONE") || job.get("state").asString().equals("FAILED")) {
                break;
            }
        }
        assertThat(job.get("state").asString()).isEqualTo("DONE");
        assertThat(job.get("hashed").asInt()).isEqualTo(rows);
        assertThat(job.get("result").get("usersCreated").asInt()).isEqualTo(rows);
        assertThat(job.get("result").get("enrolments").asInt()).isEqualTo(rows);
        assertThat(count("app_user")).isEqualTo(5 + rows);
        // Another school's admin does not see the job.
        mvc.perform(get(location).header(HttpHeaders.AUTHORIZATION, schools.bearer(schools.create().adminName())))
                .andExpect(status().isNotFound());

        // An initial password was hashed cheaply; the first sign-in gives it the usual cost.
        JsonNode first = job.get("result").get("initialPasswords").get(0);
        String username = first.get("username").asString();
        assertThat(hashOf(username)).startsWith("{bcrypt}$2a$06$");
        mvc.perform(post("/api/tokens").contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("username", username, "password", first.get("password").asString()))))
                .andExpect(status().isCreated());
        assertThat(hashOf(username)).startsWith("{bcrypt}$2a$10$");
    }

    @Test
    void aFileOfMoreThanTwentyThousandRowsIsRefusedWhole() throws Exception {
        StringBuilder csv = new StringBuilder("username,display_name,role,class,grade\n");
        for (int i = 0; i <= RosterImport.MAX_ROWS; i++) {
            csv.append("%s-many%d,学生,student,初一(1)班,7\n".formatted(school.prefix(), i));
        }
        importRoster(csv.toString(), school.adminName())
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.code").value("roster-too-many-rows"))
                .andExpect(jsonPath("$.detail").value("名册文件有 20001 行，一次最多 20000 行：请分成几个文件导入。"));
        assertThat(count("app_user")).isEqualTo(5);
    }

    private String hashOf(String username) {
        return jdbc.sql("SELECT password_hash FROM app_user WHERE username = ?").param(username).query(String.class).single();
    }

    private ResultActions importRoster(String csv, String username) throws Exception {
        return mvc.perform(post("/api/roster").header(HttpHeaders.AUTHORIZATION, schools.bearer(username))
                .contentType(MediaType.valueOf("text/csv")).content(csv.getBytes(StandardCharsets.UTF_8)));
    }

    private int count(String table) {
        return schools.rows(table, school.id());
    }
}
