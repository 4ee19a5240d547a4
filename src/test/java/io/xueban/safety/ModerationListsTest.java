package io.xueban.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The default phrase lists and patterns against two corpora written for them: messages that
 * must be flagged (with their category), and harmless look-alikes from lessons (wars in history,
 * "kill a process", 杀死细菌) that must not be.
 */
class ModerationListsTest {

    static final SafetySettings DEFAULTS = SafetySettingsStore.defaults();

    @Test
    void everyMessageOfTheFlaggedCorpusIsFlaggedWithItsCategory() throws IOException {
        List<String> lines = ModerationClassifierTest.lines("safety/flagged.txt");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(20);
        for (String line : lines) {
            String[] parts = line.split("\t", 2);
            Moderation.Verdict verdict = Moderation.byLists(DEFAULTS, parts[1]);
            assertThat(verdict.category()).as(parts[1]).isEqualTo(Category.valueOf(parts[0]));
        }
    }

    @Test
    void noMessageOfTheHarmlessCorpusIsFlagged() throws IOException {
        List<String> lines = ModerationClassifierTest.lines("safety/harmless.txt");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(30);
        for (String line : lines) {
            assertThat(Moderation.byLists(DEFAULTS, line).flagged()).as(line).isFalse();
        }
    }

    @Test
    void spacingPunctuationAndFullWidthLettersDoNotHideAPhrase() {
        assertThat(Moderation.fold("想 自·杀！")).isEqualTo("想自杀");
        assertThat(Moderation.fold("ＫＩＬＬ ｍｙｓｅｌｆ")).isEqualTo("killmyself");
    }

    @Test
    void aSchoolsOwnPhraseListIsWhatCounts() {
        SafetySettings strict = new SafetySettings(DEFAULTS.strictness(), 100, null, null, 180, 3, List.of(),
                java.util.Map.of(Category.BULLYING, List.of("给我交保护费")), false, null);
        assertThat(Moderation.byLists(strict, "他又让我给我交保护费").category()).isEqualTo(Category.BULLYING);
        assertThat(Moderation.byLists(strict, "我想自杀").flagged()).as("not in this school's lists").isFalse();
    }
}
