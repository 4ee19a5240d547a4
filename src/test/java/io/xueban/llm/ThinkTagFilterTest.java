package io.xueban.llm;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThinkTagFilterTest {

    @Test
    void removesThinkingSplitAcrossTokens() {
        assertThat(stream(List.of("<th", "ink>先算", "一下</thi", "nk>", "\n\n答", "案是 5"))).isEqualTo("答案是 5");
    }

    @Test
    void keepsTextAroundAndBetweenThinkingSections() {
        assertThat(ThinkTagFilter.strip("前<think>a</think>中<think>b</think>后")).isEqualTo("前中后");
    }

    @Test
    void anAngleBracketThatIsNotATagIsKept() {
        assertThat(stream(List.of("若 a <", " b，则 a<b 成立", "<"))).isEqualTo("若 a < b，则 a<b 成立<");
    }

    @Test
    void unfinishedThinkingAtTheEndIsDropped() {
        assertThat(stream(List.of("答：", "<think>还没想完"))).isEqualTo("答：");
    }

    private static String stream(List<String> tokens) {
        ThinkTagFilter filter = new ThinkTagFilter();
        StringBuilder out = new StringBuilder();
        tokens.forEach(token -> out.append(filter.accept(token)));
        return out.append(filter.finish()).toString();
    }
}
