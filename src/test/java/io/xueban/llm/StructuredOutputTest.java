package io.xueban.llm;

import java.util.List;

import jakarta.validation.Validation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StructuredOutputTest {

    record Plan(@NotBlank String title, @NotEmpty List<String> steps, int minutes) {
    }

    private final StructuredOutput output = new StructuredOutput(Validation.buildDefaultValidatorFactory().getValidator());

    @Test
    void fencedJsonWithTalkAroundIt() {
        String reply = "好的，下面是教学设计：\n```json\n{\"title\": \"勾股定理\", \"steps\": [\"导入\"], \"minutes\": 40}\n```\n希望有帮助！";
        assertThat(parse(reply).value()).isEqualTo(new Plan("勾股定理", List.of("导入"), 40));
    }

    @Test
    void trailingCommas() {
        assertThat(parse("{\"title\": \"勾股定理\", \"steps\": [\"导入\", \"新授\",], \"minutes\": 40,}").value().steps())
                .containsExactly("导入", "新授");
    }

    @Test
    void extraFieldsAreIgnored() {
        assertThat(parse("{\"title\": \"勾股定理\", \"steps\": [\"导入\"], \"minutes\": 40, \"mood\": \"happy\"}").value())
                .isNotNull();
    }

    @Test
    void truncatedOutputIsClosedAndThenJudged() {
        // Cut inside a string of the array: what is there is still usable.
        assertThat(parse("{\"title\": \"勾股定理\", \"minutes\": 40, \"steps\": [\"导入\", \"新").value().steps())
                .containsExactly("导入", "新");
        // Cut before a required field got a value: a clear problem for the repair prompt.
        var cut = parse("{\"title\": \"勾股定理\", \"minutes\": 40, \"steps\":");
        assertThat(cut.value()).isNull();
        assertThat(cut.problem()).contains("steps");
    }

    @Test
    void aDanglingKeyIsDropped() {
        assertThat(StructuredOutput.extractJson("{\"a\": 1, \"b")).isEqualTo("{\"a\": 1}");
        assertThat(StructuredOutput.extractJson("{\"a\": \"x\\")).isEqualTo("{\"a\": \"x\"}");
    }

    @Test
    void thinkingBeforeTheJsonIsIgnored() {
        assertThat(parse("<think>{\"title\": \"错\"}</think>{\"title\": \"对\", \"steps\": [\"a\"], \"minutes\": 1}")
                .value().title()).isEqualTo("对");
    }

    @Test
    void noJsonOrWrongTypesOrInvalidValuesAreDescribed() {
        assertThat(parse("抱歉，我无法回答。").problem()).contains("no JSON");
        assertThat(parse("{\"title\": \"x\", \"steps\": [\"a\"], \"minutes\": \"forty\"}").problem()).contains("format");
        assertThat(parse("{\"title\": \"\", \"steps\": [], \"minutes\": 40}").problem())
                .contains("title").contains("steps");
    }

    @Test
    void describesTheFieldsOfARecord() {
        assertThat(StructuredOutput.describe(Plan.class)).isEqualTo("title (String), steps (List<String>), minutes (int)");
    }

    private StructuredOutput.Result<Plan> parse(String reply) {
        return output.parse(reply, Plan.class, null);
    }
}
