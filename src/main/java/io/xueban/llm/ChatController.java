package io.xueban.llm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Problems;

/**
 * A plain streamed chat through the gateway (Server-Sent Events: {@code queued} when it must wait
 * for a slot, with the estimated wait; {@code start}, {@code token}, {@code done}, {@code error}). For teachers; for students only when
 * {@code xueban.llm.open-chat-for-students} is set, because the moderated study buddy is the
 * students' way in.
 */
@RestController
@RequestMapping("/api/ai")
@Tag(name = "AI chat", description = "Streamed chat through the LLM gateway")
class ChatController {

    /** How often a waiting stream is checked for a client that went away. */
    private static final long HEARTBEAT_MILLIS = 250;

    private final LlmGateway gateway;
    private final PromptTemplates prompts;
    private final Problems problems;
    private final boolean openForStudents;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sse-heartbeat").factory());

    ChatController(LlmGateway gateway, PromptTemplates prompts, Problems problems,
                   @Value("${xueban.llm.open-chat-for-students:false}") boolean openForStudents) {
        this.gateway = gateway;
        this.prompts = prompts;
        this.problems = problems;
        this.openForStudents = openForStudents;
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @PostMapping(path = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Stream a chat reply (SSE events queued, start, token, done, error); 429 with Retry-After when "
            + "the wait would be too long, 503 when no model server is available")
    SseEmitter chat(CurrentUser me, @Valid @RequestBody ChatRequest request) {
        if (me.is(Role.STUDENT) && !openForStudents) {
            throw ApiException.forbidden("chat-not-for-students");
        }
        Priority priority = me.is(Role.STUDENT) ? Priority.STUDENT : Priority.TEACHER;
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(prompts.render("chat/system",
                Map.of("audience", me.is(Role.STUDENT) ? "一名学生" : "一位老师"))));
        for (ChatRequest.Message message : request.messages()) {
            messages.add(message.role().equals("assistant") ? AiMessage.from(message.content())
                    : UserMessage.from(message.content()));
        }
        LlmCall call = new LlmCall(ModelRole.CHAT, priority, me.id(), null, null, messages, 0.7, null);
        SseEmitter emitter = new SseEmitter(0L);
        Stream stream = new Stream(emitter, LocaleContextHolder.getLocale());
        // Throws 429/503 before any event is sent, so the client gets a plain problem response.
        stream.handle = gateway.stream(call, stream);
        if (stream.closed) {
            stream.handle.cancel(); // the client left while the call was being admitted
        }
        streams.add(stream);
        emitter.onCompletion(stream::close);
        emitter.onTimeout(stream::close);
        emitter.onError(error -> stream.close());
        return emitter;
    }

    /** Writes a comment to each quiet stream, each on its own virtual thread so one slow client holds up none. */
    private void beat() {
        long now = System.nanoTime();
        for (Stream stream : streams) {
            if (now - stream.lastWriteNanos > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)
                    && stream.pinging.compareAndSet(false, true)) {
                Thread.ofVirtual().start(() -> {
                    try {
                        stream.ping();
                    } finally {
                        stream.pinging.set(false);
                    }
                });
            }
        }
    }

    @PreDestroy
    void stop() {
        heartbeat.shutdownNow();
    }

    /** One client's stream: gateway events in, SSE events out; a failed write cancels the call. */
    private final class Stream implements TokenSink {

        private final SseEmitter emitter;
        private final java.util.Locale locale;
        volatile CallHandle handle;
        volatile long lastWriteNanos = System.nanoTime();
        final java.util.concurrent.atomic.AtomicBoolean pinging = new java.util.concurrent.atomic.AtomicBoolean();
        volatile boolean closed;

        Stream(SseEmitter emitter, java.util.Locale locale) {
            this.emitter = emitter;
            this.locale = locale;
        }

        @Override
        public void onQueued(int ahead, long estimatedWaitMillis) {
            send(SseEmitter.event().name("queued")
                    .data(Map.of("ahead", ahead, "estimatedWaitMillis", estimatedWaitMillis)));
        }

        @Override
        public void onStart(long queueMillis) {
            send(SseEmitter.event().name("start").data(Map.of("queueMillis", queueMillis)));
        }

        @Override
        public void onToken(String text) {
            send(SseEmitter.event().name("token").data(Map.of("text", text)));
        }

        @Override
        public void onComplete(Usage usage) {
            send(SseEmitter.event().name("done").data(usage));
            finish();
        }

        @Override
        public void onError(LlmException error) {
            try {
                send(SseEmitter.event().name("error").data(problems.of(error, locale)));
            } catch (RuntimeException ignored) {
                // the client is gone as well
            }
            finish();
        }

        void ping() {
            try {
                send(SseEmitter.event().comment(""));
            } catch (ClientGoneException alreadyClosed) {
                // send() closed the stream and cancelled the call
            }
        }

        private void send(SseEmitter.SseEventBuilder event) {
            try {
                synchronized (this) {
                    emitter.send(event);
                    lastWriteNanos = System.nanoTime();
                }
            } catch (IOException | IllegalStateException e) {
                close();
                throw new ClientGoneException(e);
            }
        }

        private void finish() {
            streams.remove(this);
            closed = true;
            emitter.complete();
        }

        /** The client went away (or the stream ended): stop the call and forget the stream. */
        void close() {
            streams.remove(this);
            if (!closed) {
                closed = true;
                CallHandle h = handle;
                if (h != null) {
                    h.cancel();
                }
            }
        }
    }

    /** Thrown into the gateway when a write fails, so that it cancels the call. */
    private static final class ClientGoneException extends RuntimeException {
        ClientGoneException(Throwable cause) {
            super(cause);
        }
    }

    record ChatRequest(@NotEmpty @Size(max = 50) List<@Valid Message> messages) {

        record Message(@NotBlank @Pattern(regexp = "user|assistant") String role,
                       @NotBlank @Size(max = 20000) String content) {
        }
    }

}
