package io.xueban.llm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptedModelServerTest {

    @Test
    void tokensPaceRepliesLikeARealTokenizer() {
        assertThat(ScriptedModelServer.tokens("t000 t001 t002 ")).containsExactly("t000 ", "t001 ", "t002 ");
        assertThat(ScriptedModelServer.tokens("答案是 5。")).containsExactly("答", "案", "是 ", "5", "。");
        assertThat(String.join("", ScriptedModelServer.tokens("<think>嗯</think>\n\nOK, fine"))).isEqualTo("<think>嗯</think>\n\nOK, fine");
    }
}
