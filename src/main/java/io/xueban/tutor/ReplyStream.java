package io.xueban.tutor;

import io.xueban.llm.CallHandle;
import io.xueban.llm.LlmException;
import io.xueban.llm.TokenSink;
import io.xueban.llm.Usage;
import io.xueban.safety.Category;
import io.xueban.safety.Moderation;

/**
 * A reply as the model streams it, whatever carries it to the client (our SSE events, or the
 * OpenAI-compatible chunks): tokens are passed on and checked as the reply grows (a leak of the
 * system prompt; for students, flagged phrases), the whole reply is moderated once more at the
 * end, and the reply is stored as it ends: complete, blocked, or failed (the model failed or the
 * client left, which also frees the model's slot). Tokens reach the client at the pace
 * {@link ReplyPacing} sets: what comes between two writes waits and goes out with the next.
 * The gateway reads a model server's stream at that pace too, and flushes the stream after
 * each read: then one read makes one write. A model that cannot be read so (the built-in
 * engine) has its waiting tokens written by a timer instead.
 */
final class ReplyStream implements TokenSink {

    /** The reply is checked each time it grows by this many characters. */
    static final int CHECK_EVERY = 60;

    /** Where the reply goes; {@code token} returns false when the client is gone. */
    interface Listener {
        default void queued(int ahead, long estimatedWaitMillis) {
        }

        boolean token(String text);

        void done(long messageId, String text, Usage usage);

        void blocked(long messageId, String reason, String shown);

        void failed(long messageId, LlmException error);
    }

    private final TutorService.Turn turn;
    private final ConversationStore store;
    private final Moderation moderation;
    private final TutorService tutor;
    private final Listener listener;
    private final ReplyPacing pacing;
    private final StringBuilder text = new StringBuilder();
    /** What the client has not been sent yet (the end of {@code text}). */
    private final StringBuilder unsent = new StringBuilder();
    private int checkedAt;
    private boolean finished;
    /** The first token goes at once. */
    private long nextWriteNanos = System.nanoTime();
    private boolean writeScheduled;
    /** The gateway flushes after each read: tokens wait for the flush, not for a timer. */
    private boolean flushedByReader;
    private volatile CallHandle handle;

    ReplyStream(TutorService.Turn turn, ConversationStore store, Moderation moderation, TutorService tutor,
            ReplyPacing pacing, Listener listener) {
        this.pacing = pacing;
        this.turn = turn;
        this.store = store;
        this.moderation = moderation;
        this.tutor = tutor;
        this.listener = listener;
    }

    void attach(CallHandle value) {
        handle = value;
        synchronized (this) {
            if (finished) {
                value.cancel();
            }
        }
    }

    @Override
    public void onQueued(int ahead, long estimatedWaitMillis) {
        listener.queued(ahead, estimatedWaitMillis);
    }

    @Override
    public synchronized void onToken(String token) {
        if (finished) {
            return;
        }
        text.append(token);
        if (text.length() - checkedAt >= CHECK_EVERY) {
            checkedAt = text.length();
            if (stoppedFor(false)) {
                return;
            }
        }
        unsent.append(token);
        if (flushedByReader) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextWriteNanos >= 0) {
            writeUnsent(now);
        } else if (!writeScheduled) {
            writeScheduled = true;
            pacing.later(this::writeDue, nextWriteNanos - now);
        }
    }

    @Override
    public long paceNanos() {
        return pacing.intervalNanos();
    }

    @Override
    public synchronized void flush() {
        flushedByReader = true;
        if (!finished && !unsent.isEmpty()) {
            writeUnsent(System.nanoTime());
        }
    }

    /** The interval since the last write has passed and no token came to carry what waits. */
    private synchronized void writeDue() {
        writeScheduled = false;
        if (!finished && !unsent.isEmpty()) {
            writeUnsent(System.nanoTime());
        }
    }

    private void writeUnsent(long now) {
        String chunk = unsent.toString();
        unsent.setLength(0);
        nextWriteNanos = now + pacing.intervalNanos();
        if (!listener.token(chunk)) {
            clientGone();
        }
    }

    @Override
    public synchronized void onComplete(Usage usage) {
        if (finished || stoppedFor(true)) {
            return;
        }
        if (!unsent.isEmpty()) {
            writeUnsent(System.nanoTime());
            if (finished) {
                return; // the client left
            }
        }
        finished = true;
        store.finish(turn.replyId(), text.toString(), ConversationStore.Status.COMPLETE, null);
        listener.done(turn.replyId(), text.toString(), usage);
    }

    @Override
    public synchronized void onError(LlmException error) {
        if (finished) {
            return;
        }
        if (!unsent.isEmpty()) {
            writeUnsent(System.nanoTime()); // what the model wrote before it failed, as the stored reply keeps it
            if (finished) {
                return;
            }
        }
        finished = true;
        store.finish(turn.replyId(), text.toString(), ConversationStore.Status.FAILED, null);
        listener.failed(turn.replyId(), error);
    }

    /** Nobody is reading: free the model's slot and keep what was written, marked as cut off. */
    void clientGone() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            store.finish(turn.replyId(), text.toString(), ConversationStore.Status.FAILED, null);
        }
        cancel();
    }

    /** A leak, or a flagged reply to a student: stopped, stored as BLOCKED with what is shown instead. */
    private boolean stoppedFor(boolean whole) {
        String reason = null;
        Category category = null;
        if (turn.canary().leakedIn(text.toString())) {
            reason = "system-prompt";
        } else if (turn.student()) {
            Moderation.Verdict verdict = whole
                    ? moderation.check(turn.schoolId(), text.toString(), Moderation.Direction.OUT)
                    : Moderation.byLists(turn.settings(), text.toString());
            if (verdict.flagged() && verdict.severity() != Category.Severity.LOW) {
                reason = "moderation";
                category = verdict.category();
            }
        }
        if (reason == null) {
            return false;
        }
        finished = true;
        cancel();
        String shown = tutor.blockedReply(category);
        store.finish(turn.replyId(), shown, ConversationStore.Status.BLOCKED, category);
        listener.blocked(turn.replyId(), reason, shown);
        return true;
    }

    private void cancel() {
        CallHandle current = handle;
        if (current != null) {
            current.cancel();
        }
    }
}
