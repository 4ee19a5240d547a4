package io.xueban.llm;

import java.util.concurrent.ScheduledFuture;

import dev.langchain4j.model.chat.request.ResponseFormat;

/** One call inside the gateway, from submission to its end. Transitions are guarded by {@code this}. */
final class Pending implements FairQueue.Entry, CallHandle {

    enum State { QUEUED, RUNNING, BACKOFF, ENDED }

    final LlmCall call;
    final ResponseFormat format;
    final TokenSink sink;
    final long submittedNanos;
    final long deadlineNanos;
    private final LlmGateway gateway;

    volatile State state = State.QUEUED;
    int aheadAtAdmission;
    double estimatedWaitSeconds;
    int attempt = 1;
    Backend backend;
    boolean holdsSlot;
    boolean sawToken;
    long startedNanos;
    long firstTokenNanos;
    CancellableHttpClient.Exchange exchange = new CancellableHttpClient.Exchange();
    ThinkTagFilter filter = new ThinkTagFilter();
    ScheduledFuture<?> queueTimer;
    ScheduledFuture<?> firstTokenTimer;
    ScheduledFuture<?> totalTimer;

    Pending(LlmGateway gateway, LlmCall call, ResponseFormat format, TokenSink sink, long now, long deadlineNanos) {
        this.gateway = gateway;
        this.call = call;
        this.format = format;
        this.sink = sink;
        this.submittedNanos = now;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public Priority priority() {
        return call.priority();
    }

    @Override
    public long userId() {
        return call.userId();
    }

    @Override
    public ModelRole role() {
        return call.role();
    }

    @Override
    public void cancel() {
        gateway.cancel(this);
    }

    void cancelTimers() {
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {queueTimer, firstTokenTimer, totalTimer}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
