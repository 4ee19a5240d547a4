package io.xueban.llm;

/** A call in the gateway: queued, or running on a model server. */
public interface CallHandle {

    /** Stops the call: leaves the queue, or aborts the upstream request and frees its slot at once. */
    void cancel();
}
