package io.xueban.tutor;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.Usage;
import io.xueban.safety.Moderation;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Hashes;
import io.xueban.system.Problems;

/**
 * The study buddy and the teacher assistant as OpenAI-compatible models, so that any
 * OpenAI-compatible chat client can be the front end: {@code GET /v1/models} and
 * {@code POST /v1/chat/completions} (streamed or not), with the same bearer tokens, policy, caps,
 * moderation, alerts and storage as {@code /api/conversations}. The client's history is only used
 * to find the conversation again (by its opening message); what the model sees is what was stored.
 */
@RestController
class OpenAiController {

    static final String BUDDY = "xueban-buddy";
    static final String ASSISTANT = "xueban-assistant";

    record Message(@NotBlank String role, String content) {
    }

    record CompletionRequest(@NotBlank String model, @NotEmpty @Size(max = 500) @Valid List<Message> messages,
            Boolean stream) {
    }

    private final ConversationStore store;
    private final TutorService tutor;
    private final LlmGateway gateway;
    private final Moderation moderation;
    private final Problems problems;
    private final Clock clock;
    private final ReplyPacing pacing;

    OpenAiController(ConversationStore store, TutorService tutor, LlmGateway gateway, Moderation moderation,
            Problems problems, Clock clock, ReplyPacing pacing) {
        this.pacing = pacing;
        this.store = store;
        this.tutor = tutor;
        this.gateway = gateway;
        this.moderation = moderation;
        this.problems = problems;
        this.clock = clock;
    }

    @GetMapping("/v1/models")
    @Operation(summary = "OpenAI-compatible: the models this user may talk to (students: the buddy; staff: the assistant)")
    Map<String, Object> models(CurrentUser me) {
        return Map.of("object", "list", "data", List.of(Map.of("id", modelOf(me), "object", "model",
                "created", 1_764_288_000L, "owned_by", "xueban")));
    }

    @PostMapping(path = "/v1/chat/completions")
    @Operation(summary = "OpenAI-compatible chat completion (stream: true for chunks over SSE, ending with [DONE])")
    Object complete(CurrentUser me, @Valid @RequestBody CompletionRequest request) throws Exception {
        if (!request.model().equals(modelOf(me))) {
            throw ApiException.notFound("model", request.model());
        }
        List<Message> users = request.messages().stream().filter(m -> m.role().equals("user")).toList();
        if (users.isEmpty() || users.getLast().content() == null || users.getLast().content().isBlank()) {
            throw ApiException.badRequest("no-user-message");
        }
        ConversationStore.Conversation conversation = conversationFor(me, users);
        TutorService.Begun turn = tutor.begin(me, conversation, users.getLast().content().strip());
        String id = "chatcmpl-" + turn.replyId();
        long created = clock.instant().getEpochSecond();
        if (Boolean.TRUE.equals(request.stream())) {
            return stream(me, turn, id, created, request.model());
        }
        return whole(me, turn, id, created, request.model());
    }

    /** The conversation the client's history belongs to: a new one for an opening message, else the latest with it. */
    private ConversationStore.Conversation conversationFor(CurrentUser me, List<Message> users) {
        String opening = users.getFirst().content() == null ? "" : users.getFirst().content().strip();
        String key = Hashes.sha256(opening);
        ConversationStore.Assistant assistant = me.is(Role.STUDENT) ? ConversationStore.Assistant.BUDDY
                : ConversationStore.Assistant.TEACHER_ASSISTANT;
        if (users.size() > 1) {
            var earlier = store.findExternal(me.id(), key);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        String title = opening.length() <= 40 ? opening : opening.substring(0, 40) + "…";
        return store.find(store.createExternal(me.schoolId(), me.id(), assistant, title, key)).orElseThrow();
    }

    private Map<String, Object> whole(CurrentUser me, TutorService.Begun turn, String id, long created, String model) throws Exception {
        if (turn instanceof TutorService.Answered answered) {
            return completion(id, created, model, answered.reply(), "stop", null);
        }
        TutorService.Turn next = (TutorService.Turn) turn;
        CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
        ReplyStream reply = new ReplyStream(next, store, moderation, tutor, ReplyPacing.EACH_TOKEN, new ReplyStream.Listener() {
            @Override
            public boolean token(String text) {
                return true;
            }

            @Override
            public void done(long messageId, String text, Usage usage) {
                result.complete(completion(id, created, model, text, "stop", usage));
            }

            @Override
            public void blocked(long messageId, String reason, String shown) {
                result.complete(completion(id, created, model, shown, "content_filter", null));
            }

            @Override
            public void failed(long messageId, LlmException error) {
                result.completeExceptionally(error);
            }
        });
        reply.attach(tutor.start(me, next, reply));
        try {
            return result.get(ConversationController.STREAM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof LlmException llm ? llm : e;
        } catch (TimeoutException e) {
            reply.clientGone();
            throw e;
        }
    }

    private SseEmitter stream(CurrentUser me, TutorService.Begun turn, String id, long created, String model) {
        SseEmitter emitter = new SseEmitter(ConversationController.STREAM_TIMEOUT.toMillis());
        Locale locale = LocaleContextHolder.getLocale();
        if (turn instanceof TutorService.Answered answered) {
            send(emitter, chunk(id, created, model, Map.of("role", "assistant", "content", answered.reply()), null));
            finish(emitter, id, created, model, "stop");
            return emitter;
        }
        TutorService.Turn next = (TutorService.Turn) turn;
        send(emitter, chunk(id, created, model, Map.of("role", "assistant", "content", ""), null));
        ReplyStream reply = new ReplyStream(next, store, moderation, tutor, pacing, new ReplyStream.Listener() {
            @Override
            public boolean token(String text) {
                return send(emitter, chunk(id, created, model, Map.of("content", text), null));
            }

            @Override
            public void done(long messageId, String text, Usage usage) {
                finish(emitter, id, created, model, "stop");
            }

            @Override
            public void blocked(long messageId, String reason, String shown) {
                send(emitter, chunk(id, created, model, Map.of("content", "\n\n" + shown), null));
                finish(emitter, id, created, model, "content_filter");
            }

            @Override
            public void failed(long messageId, LlmException error) {
                send(emitter, Map.of("error", error(error, locale)));
                emitter.complete();
            }
        });
        reply.attach(tutor.start(me, next, reply));
        emitter.onCompletion(reply::clientGone);
        emitter.onTimeout(reply::clientGone);
        emitter.onError(error -> reply.clientGone());
        return emitter;
    }

    /** Problems in the shape OpenAI clients read: {"error": {"message", "type", "code"}}. */
    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, Object>> problem(ApiException e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", error(e, LocaleContextHolder.getLocale())));
    }

    private Map<String, Object> error(ApiException e, Locale locale) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", problems.of(e, locale).getDetail());
        error.put("type", e.status().is4xxClientError() ? "invalid_request_error" : "api_error");
        error.put("code", e.code());
        return error;
    }

    private static String modelOf(CurrentUser me) {
        return me.is(Role.STUDENT) ? BUDDY : ASSISTANT;
    }

    private static void finish(SseEmitter emitter, String id, long created, String model, String reason) {
        send(emitter, chunk(id, created, model, Map.of(), reason));
        try {
            emitter.send(SseEmitter.event().data("[DONE]"));
        } catch (IOException | IllegalStateException gone) {
            // the client left after the last chunk
        }
        emitter.complete();
    }

    private static Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta,
            String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finishReason);
        return Map.of("id", id, "object", "chat.completion.chunk", "created", created, "model", model,
                "choices", List.of(choice));
    }

    private static Map<String, Object> completion(String id, long created, String model, String text, String reason,
            Usage usage) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", Map.of("role", "assistant", "content", text));
        choice.put("finish_reason", reason);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", model);
        body.put("choices", List.of(choice));
        int prompt = usage == null || usage.inputTokens() == null ? 0 : usage.inputTokens();
        int completion = usage == null || usage.outputTokens() == null ? 0 : usage.outputTokens();
        body.put("usage", Map.of("prompt_tokens", prompt, "completion_tokens", completion,
                "total_tokens", prompt + completion));
        return body;
    }

    private static boolean send(SseEmitter emitter, Object data) {
        try {
            emitter.send(SseEmitter.event().data(data, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException gone) {
            return false;
        }
    }
}
