package io.xueban.llm;

import java.time.Duration;
import java.util.List;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;

/**
 * One model call as a feature asks for it.
 *
 * @param userId     whose call it is: the unit of fairness and rate limiting
 * @param classId    the class it is for, if any (for metrics and audit)
 * @param deadline   how long the caller will wait for the first token, queue included; a call
 *                   that would wait longer is refused at once with 429
 * @param temperature 0 makes the call deterministic, and so cacheable
 * @param maxTokens  upper bound on the reply length, or null for the model's default
 * @param tools      tools the model may ask to have run (none for most calls)
 */
public record LlmCall(ModelRole role, Priority priority, long userId, Long classId, Duration deadline,
                      List<ChatMessage> messages, double temperature, Integer maxTokens, List<ToolSpecification> tools) {

    public LlmCall {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a call needs at least one message");
        }
    }

    public LlmCall(ModelRole role, Priority priority, long userId, Long classId, Duration deadline,
                   List<ChatMessage> messages, double temperature, Integer maxTokens) {
        this(role, priority, userId, classId, deadline, messages, temperature, maxTokens, List.of());
    }

    public static LlmCall of(ModelRole role, Priority priority, long userId, List<ChatMessage> messages) {
        return new LlmCall(role, priority, userId, null, null, messages, 0.7, null);
    }

    public LlmCall withTemperature(double value) {
        return new LlmCall(role, priority, userId, classId, deadline, messages, value, maxTokens, tools);
    }

    public LlmCall withDeadline(Duration value) {
        return new LlmCall(role, priority, userId, classId, value, messages, temperature, maxTokens, tools);
    }

    public LlmCall withClass(Long value) {
        return new LlmCall(role, priority, userId, value, deadline, messages, temperature, maxTokens, tools);
    }

    public LlmCall withMaxTokens(Integer value) {
        return new LlmCall(role, priority, userId, classId, deadline, messages, temperature, value, tools);
    }

    /** Tools the model may ask to have run; their calls come back through {@link TokenSink#onToolCalls}. */
    public LlmCall withTools(List<ToolSpecification> value) {
        return new LlmCall(role, priority, userId, classId, deadline, messages, temperature, maxTokens, value);
    }

    LlmCall withMessages(List<ChatMessage> value) {
        return new LlmCall(role, priority, userId, classId, deadline, value, temperature, maxTokens, tools);
    }
}
