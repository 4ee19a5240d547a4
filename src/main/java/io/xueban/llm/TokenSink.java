package io.xueban.llm;

import java.util.List;

import dev.langchain4j.agent.tool.ToolExecutionRequest;

/**
 * Where a streamed reply goes. Called from the gateway's threads, one call at a time and in
 * order: {@code onStart} once, then tokens, then exactly one of {@code onComplete} or
 * {@code onError} (never after the caller cancelled).
 */
public interface TokenSink {

    /**
     * The call was admitted but must wait for a slot: about {@code ahead} calls go first, for
     * about {@code estimatedWaitMillis}. Called at most once, before {@code onStart}.
     */
    default void onQueued(int ahead, long estimatedWaitMillis) {
    }

    /** The call left the queue and was sent to a model server after waiting {@code queueMillis}. */
    default void onStart(long queueMillis) {
    }

    /** Visible text (thinking removed). Throw to signal the client is gone: the call is cancelled. */
    void onToken(String text);

    /** The model asks for tools to be run (only for calls that offered tools); called just before {@code onComplete}. */
    default void onToolCalls(List<ToolExecutionRequest> calls) {
    }

    void onComplete(Usage usage);

    void onError(LlmException error);
}
