package io.xueban.tutor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.curriculum.Items;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.Usage;
import io.xueban.safety.Alerts;
import io.xueban.safety.AuditLog;
import io.xueban.safety.Moderation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Problems;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Conversations with the study buddy (students) and the teacher assistant (staff). A reply
 * streams over Server-Sent Events: {@code message} (the ids stored), {@code token}…, then
 * {@code done}; {@code reply} when the buddy answers at once (care, refusal, privacy reminder);
 * {@code blocked} when the reply had to be stopped (the client replaces what it showed);
 * {@code error} when the model failed (the reply is kept, marked failed). Teachers read their
 * classes' student conversations; students are told so in the AI-use policy.
 */
@RestController
@Validated
class ConversationController {

    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

    record NewConversation(@Size(max = 200) String title, Long itemId) {
    }

    record NewMessage(@NotBlank @Size(max = 4000) String content) {
    }

    record Page(List<ConversationStore.Message> messages, Long nextBefore) {
    }

    private final ConversationStore store;
    private final TutorService tutor;
    private final LlmGateway gateway;
    private final Moderation moderation;
    private final Problems problems;
    private final AccessPolicy access;
    private final AuditLog audit;
    private final Items items;
    private final ReplyPacing pacing;

    private final Breaks breaks;
    private final Alerts alerts;

    ConversationController(ConversationStore store, TutorService tutor, LlmGateway gateway, Moderation moderation,
            Problems problems, AccessPolicy access, AuditLog audit, Items items, ReplyPacing pacing, Breaks breaks,
            Alerts alerts) {
        this.items = items;
        this.alerts = alerts;
        this.breaks = breaks;
        this.pacing = pacing;
        this.store = store;
        this.tutor = tutor;
        this.gateway = gateway;
        this.moderation = moderation;
        this.problems = problems;
        this.access = access;
        this.audit = audit;
    }

    @PostMapping("/api/conversations")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Start a conversation: the study buddy for a student (optionally about an assigned item), "
            + "the teacher assistant for staff")
    ConversationStore.Conversation create(CurrentUser me, @Valid @RequestBody NewConversation request) {
        ConversationStore.Assistant assistant = me.is(Role.STUDENT) ? ConversationStore.Assistant.BUDDY
                : ConversationStore.Assistant.TEACHER_ASSISTANT;
        if (request.itemId() != null && items.findFacts(me.schoolId(), request.itemId()).isEmpty()) {
            throw ApiException.notFound("item", request.itemId());
        }
        long id = store.create(me.schoolId(), me.id(), assistant,
                request.title() == null || request.title().isBlank() ? null : request.title().strip(), request.itemId());
        return store.find(id).orElseThrow();
    }

    @GetMapping("/api/conversations")
    @Operation(summary = "My conversations; staff add ?studentId= to read a student's (teachers: their classes')")
    List<ConversationStore.Conversation> list(CurrentUser me, @RequestParam(required = false) Long studentId,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        if (studentId == null) {
            return store.ofUser(me.id(), limit);
        }
        access.requireStaff(me);
        access.checkStudent(me, studentId);
        return store.ofUser(studentId, limit);
    }

    @GetMapping("/api/conversations/{id}/messages")
    @Operation(summary = "Messages, newest first, a page at a time (?before=<id> for older ones)")
    Page messages(CurrentUser me, @PathVariable long id, @RequestParam(required = false) Long before,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        readable(me, id);
        List<ConversationStore.Message> page = store.messages(id, before, limit);
        return new Page(page, page.size() < limit ? null : page.getLast().id());
    }

    @PostMapping("/api/messages/{id}/moderation-wrong")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "A teacher marks a moderation decision on a student's message as wrong (kept for review)")
    void moderationWrong(CurrentUser me, @PathVariable long id) {
        access.requireStaff(me);
        ConversationStore.Message message = store.message(id).orElseThrow(() -> ApiException.notFound("message", id));
        ConversationStore.Conversation conversation = readable(me, message.conversationId());
        if (message.category() == null) {
            throw ApiException.conflict("message-not-flagged");
        }
        store.markWrong(id, me.id());
        audit.record(me, "moderation.wrong", "message", id, conversation.userId() + ":" + message.category());
    }

    @PostMapping(path = "/api/conversations/{id}/messages", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Send a message and stream the reply (SSE: message, token, done | reply | blocked | error; "
            + "break first when a student has chatted long enough without a pause to be reminded to rest)")
    SseEmitter send(CurrentUser me, @PathVariable long id, @Valid @RequestBody NewMessage request) {
        ConversationStore.Conversation conversation = store.find(id)
                .filter(c -> c.userId() == me.id())
                .orElseThrow(() -> ApiException.notFound("conversation", id));
        // Policy, quiet hours, caps and the model's admission fail here, before any event: a plain problem response.
        TutorService.Begun turn = tutor.begin(me, conversation, request.content().strip());
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        Locale locale = LocaleContextHolder.getLocale();
        // A student chatting for a long time without a pause is reminded to take a break (the school sets how long).
        breaks.due(me).ifPresent(minutes -> send(emitter, "break", Map.of("minutes", minutes)));
        if (turn instanceof TutorService.Answered answered) {
            send(emitter, "message", Map.of("userMessageId", answered.userMessageId(), "replyId", answered.replyId()));
            send(emitter, "reply", Map.of("messageId", answered.replyId(), "text", answered.reply(),
                    "category", answered.category()));
            send(emitter, "done", Map.of("messageId", answered.replyId()));
            emitter.complete();
            return emitter;
        }
        TutorService.Turn next = (TutorService.Turn) turn;
        ReplyStream reply = new ReplyStream(next, store, moderation, tutor, pacing, new SseListener(emitter, problems, locale));
        send(emitter, "message", Map.of("userMessageId", next.userMessageId(), "replyId", next.replyId()));
        reply.attach(tutor.start(me, next, reply));
        emitter.onCompletion(reply::clientGone);
        emitter.onTimeout(reply::clientGone);
        emitter.onError(error -> reply.clientGone());
        return emitter;
    }

    /** The conversation's owner, or staff who may read that student's records. */
    private ConversationStore.Conversation readable(CurrentUser me, long id) {
        ConversationStore.Conversation conversation = store.find(id)
                .orElseThrow(() -> ApiException.notFound("conversation", id));
        access.checkSameSchool(me, conversation.schoolId(), "conversation", id);
        if (conversation.userId() != me.id()) {
            if (conversation.assistant() != ConversationStore.Assistant.BUDDY) {
                // A teacher's own assistant conversations are theirs alone.
                throw ApiException.notFound("conversation", id);
            }
            access.requireStaff(me);
            // A colleague an open alert on this conversation was handed over to (the counsellor, say) reads it too.
            if (!alerts.handedOverTo(me.id(), conversation.id())) {
                access.checkStudent(me, conversation.userId());
            }
        }
        return conversation;
    }

    private static boolean send(SseEmitter emitter, String name, Object data) {
        try {
            emitter.send(SseEmitter.event().name(name).data(data));
            return true;
        } catch (IOException | IllegalStateException gone) {
            return false;
        }
    }

    /** Our SSE events for a streaming reply. */
    private static final class SseListener implements ReplyStream.Listener {

        private final SseEmitter emitter;
        private final Problems problems;
        private final Locale locale;

        SseListener(SseEmitter emitter, Problems problems, Locale locale) {
            this.emitter = emitter;
            this.problems = problems;
            this.locale = locale;
        }

        @Override
        public void queued(int ahead, long estimatedWaitMillis) {
            send(emitter, "queued", Map.of("ahead", ahead, "estimatedWaitMillis", estimatedWaitMillis));
        }

        @Override
        public boolean token(String text) {
            // The one event sent a hundred times a reply: its JSON is written here, not by a converter.
            StringBuilder data = new StringBuilder(text.length() + 12).append("{\"text\":\"");
            JsonStringEncoder.getInstance().quoteAsString(text, data);
            data.append("\"}");
            try {
                emitter.send(SseEmitter.event().name("token").data(data.toString(), MediaType.APPLICATION_JSON));
                return true;
            } catch (IOException | IllegalStateException gone) {
                return false;
            }
        }

        @Override
        public void done(long messageId, String text, Usage usage) {
            send(emitter, "done", Map.of("messageId", messageId));
            emitter.complete();
        }

        @Override
        public void blocked(long messageId, String reason, String shown) {
            send(emitter, "blocked", Map.of("messageId", messageId, "reason", reason, "text", shown));
            emitter.complete();
        }

        @Override
        public void failed(long messageId, LlmException error) {
            send(emitter, "error", problems.of(error, locale));
            emitter.complete();
        }
    }
}
