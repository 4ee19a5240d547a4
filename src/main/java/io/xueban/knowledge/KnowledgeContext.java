package io.xueban.knowledge;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.xueban.llm.PromptTemplates;

/**
 * Puts retrieved passages into a prompt as quoted data. Each passage sits between
 * {@code <资料 编号="S1">} and {@code </资料>}; angle brackets inside a passage or its citation
 * are replaced by their full-width forms, so a document cannot close its block early or open
 * a new one, and the prompt ({@code prompts/knowledge/sources.md}) tells the model that
 * instructions inside a block are text, not instructions.
 */
@Component
public class KnowledgeContext {

    private final PromptTemplates prompts;

    KnowledgeContext(PromptTemplates prompts) {
        this.prompts = prompts;
    }

    /** The passages as a prompt section; source S<n> is {@code passages.get(n - 1)}. */
    public String render(List<Passage> passages) {
        return prompts.render("knowledge/sources", Map.of("count", passages.size(), "sources", blocks(passages)));
    }

    /**
     * The passages' blocks alone, for a prompt whose instructions already say how to read them
     * (the study buddy's, which sends them with each message and should not repeat the rules).
     */
    public String blocks(List<Passage> passages) {
        StringBuilder sources = new StringBuilder();
        for (int i = 0; i < passages.size(); i++) {
            Passage passage = passages.get(i);
            sources.append("<资料 编号=\"S").append(i + 1).append("\" 出处=\"")
                    .append(quoted(passage.citation().label()).replace('"', '＂')).append("\">\n")
                    .append(quoted(passage.text())).append("\n</资料>\n");
        }
        return sources.toString().strip();
    }

    /** Whether {@code prompt} (a message sent before) holds this passage's text as {@link #blocks} puts it. */
    public boolean sentIn(Passage passage, String prompt) {
        return prompt.contains(quoted(passage.text()));
    }

    /** Text that cannot break out of its block. */
    static String quoted(String text) {
        return PromptTemplates.quoted(text);
    }
}
