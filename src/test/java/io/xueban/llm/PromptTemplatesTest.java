package io.xueban.llm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptTemplatesTest {

    @TempDir
    Path dir;

    @Test
    void rendersPackagedPromptsAndRefusesAMissingVariable() {
        PromptTemplates prompts = new PromptTemplates((Path) null);
        assertThat(prompts.render("chat/system", Map.of("audience", "一位老师"))).contains("正在和一位老师对话");
        assertThatThrownBy(() -> prompts.render("chat/system", Map.of()))
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> prompts.render("chat/nope", Map.of())).hasMessageContaining("prompts/chat/nope.md");
    }

    @Test
    void anOverrideWinsAndIsReloadedWhenItChanges() throws Exception {
        PromptTemplates prompts = new PromptTemplates(dir);
        Path file = dir.resolve("chat/system.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "本校版本：{{audience}}");
        assertThat(prompts.render("chat/system", Map.of("audience", "老师"))).isEqualTo("本校版本：老师");

        Files.writeString(file, "第二版：{{audience}}，{{school}}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(prompts.render("chat/system", Map.of("audience", "老师", "school", "一中")))
                .isEqualTo("第二版：老师，一中");
        assertThat(prompts.variables("chat/system")).containsExactlyInAnyOrder("audience", "school");
    }

    @Test
    void malformedPlaceholdersAreRejectedAtLoad() throws Exception {
        Path file = dir.resolve("chat/system.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "你好 {{ audience");
        assertThatThrownBy(() -> new PromptTemplates(dir).render("chat/system", Map.of("audience", "x")))
                .hasMessageContaining("Malformed placeholder");
    }

    @Test
    void valuesAreInsertedLiterally() {
        PromptTemplates prompts = new PromptTemplates((Path) null);
        assertThat(prompts.render("llm/repair", Map.of("problem", "$1 \\ {{x}}", "fields", "a")))
                .contains("$1 \\ {{x}}");
    }
}
