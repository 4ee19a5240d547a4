package io.xueban.llm;

import org.springframework.http.HttpStatus;

import io.xueban.system.ApiException;

/** A model call that could not be served, with what the client should do about it. */
public class LlmException extends ApiException {

    private final boolean transientFailure;

    LlmException(HttpStatus status, String code, boolean transientFailure, Object... args) {
        super(status, code, args);
        this.transientFailure = transientFailure;
    }

    /** The queue is too long for the caller's deadline: try again later. */
    static LlmException overloaded(long retryAfterSeconds) {
        return (LlmException) new LlmException(HttpStatus.TOO_MANY_REQUESTS, "llm-overloaded", false, retryAfterSeconds)
                .with("retryAfterSeconds", retryAfterSeconds);
    }

    static LlmException rateLimited(long retryAfterSeconds) {
        return (LlmException) new LlmException(HttpStatus.TOO_MANY_REQUESTS, "llm-rate-limited", false, retryAfterSeconds)
                .with("retryAfterSeconds", retryAfterSeconds);
    }

    static LlmException tooManyQueued(int limit) {
        return (LlmException) new LlmException(HttpStatus.TOO_MANY_REQUESTS, "llm-too-many-queued", false, limit)
                .with("retryAfterSeconds", 5);
    }

    /** No backend can serve the role; {@code how} says what an administrator should do. */
    static LlmException unavailable(String role, String backends, String how) {
        return (LlmException) new LlmException(HttpStatus.SERVICE_UNAVAILABLE, "llm-unavailable", false, role, backends, how)
                .with("retryAfterSeconds", 30);
    }

    static LlmException timeout(String what) {
        return new LlmException(HttpStatus.GATEWAY_TIMEOUT, "llm-timeout", true, what);
    }

    public static LlmException failed(String backend, String reason, boolean transientFailure) {
        return new LlmException(HttpStatus.BAD_GATEWAY, "llm-failed", transientFailure, backend, reason);
    }

    static LlmException invalidOutput(String reason) {
        return new LlmException(HttpStatus.BAD_GATEWAY, "llm-invalid-output", false, reason);
    }

    /** Whether trying again (before any token was shown) may succeed. */
    boolean isTransient() {
        return transientFailure;
    }
}
