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

    /**
     * How often this sink passes tokens on to its reader, in nanoseconds; 0 (the default) for
     * each token as it comes. Above 0, once the first token has come, the gateway reads the
     * model server's stream no more often than that: the tokens sent meanwhile are read
     * together and followed by one {@link #flush()}.
     */
    default long paceNanos() {
        return 0;
    }

    /** The tokens of one read have all been given: pass on what waits (only for a sink that paces). */
    default void flush() {
    }

    /** The model asks for tools to be run (only for calls that offered tools); called just before {@code onComplete}. */
    default void onToolCalls(List<ToolExecutionRequest> calls) {
    }

    void onComplete(Usage usage);

    void onError(LlmException error);
}
