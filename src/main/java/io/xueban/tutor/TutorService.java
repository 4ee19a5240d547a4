package io.xueban.tutor;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.knowledge.KnowledgeContext;
import io.xueban.knowledge.KnowledgeQuery;
import io.xueban.knowledge.KnowledgeRetriever;
import io.xueban.knowledge.Passage;
import io.xueban.llm.CallHandle;
import io.xueban.llm.GatewayChatModel;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.TokenSink;
import io.xueban.llm.Usage;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.safety.AiPolicy;
import io.xueban.safety.Alerts;
import io.xueban.safety.Category;
import io.xueban.safety.Moderation;
import io.xueban.safety.SafetySettings;
import io.xueban.safety.SafetySettingsStore;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.RequestDoor;

/**
 * One turn of a conversation, up to the model call. For a student: the AI-use policy, quiet
 * hours and the daily cap are checked; the message is moderated and stored (with its alert, in
 * the same transaction, when it needs one); a message that calls for care is answered at once
 * with a safe, caring reply and the school's support contacts, without the model. Otherwise the
 * reply is prepared (STREAMING) and the prompt built for a model server's prefix cache: first
 * the assistant's instructions, the same for everyone; then the conversation's canary and what
 * the buddy should know of the student; then the summary and the conversation so far, each turn
 * as it was first sent; last this turn's library passages and notes with the student's words,
 * as quoted data.
 */
@Service
class TutorService {

    /**
     * The model sees every message since the running summary, so that turn N+1's prompt starts
     * with turn N's (a model server's prefix cache serves the repeat). Past these limits the older
     * messages are folded into the summary, leaving the newest few: the prefix changes once per
     * fold, not at every turn as a sliding window would.
     */
    static final int WINDOW_MESSAGES = 16;
    static final int WINDOW_CHARS = 8000;
    /** Messages and characters left in the window after a fold. */
    static final int WINDOW_KEEP = 6;
    static final int WINDOW_KEEP_CHARS = 3000;
    /** Never more than this, even while a fold is still being written (the window then slides). */
    static final int WINDOW_HARD_MESSAGES = 24;
    static final int WINDOW_HARD_CHARS = 12000;
    /** A student's message this short ("懂了", "不会", "下一题") gets no library passages. */
    static final int SMALL_TALK_CHARS = 3;
    /** Library passages sent with a student's message, and with a teacher's. */
    static final int STUDENT_SOURCES = 2;
    static final int TEACHER_SOURCES = 3;
    /** Tool calls the assistant may chain in one turn. */
    static final int MAX_TOOL_ROUNDS = 5;

    /** What {@link #begin} leaves: a turn for the model, or one answered already. */
    sealed interface Begun permits Turn, Answered {
        long userMessageId();

        long replyId();
    }

    /** A turn ready for the model: its reply row, the call, how to recognise a leak, and the school's settings (read once). */
    record Turn(long userMessageId, long replyId, LlmCall call, Canary canary, long schoolId, long userId,
            boolean student, long conversationId, Long summarizeBefore, SafetySettings settings) implements Begun {
    }

    /** A turn answered without the model (care, refusal, privacy reminder). */
    record Answered(long userMessageId, long replyId, String reply, Category category) implements Begun {
    }

    private final ConversationStore store;
    private final Moderation moderation;
    private final Alerts alerts;
    private final AiPolicy policy;
    private final SafetySettingsStore safety;
    private final PromptTemplates prompts;
    private final KnowledgeRetriever retriever;
    private final KnowledgeContext knowledgeContext;
    private final StudentContexts studentContexts;
    private final Items items;
    private final AssistantToolbox toolbox;
    private final LlmGateway gateway;
    private final MessageSource messages;
    private final TransactionTemplate transaction;
    private final RequestDoor door;
    private final Clock clock;
    private final ZoneId zone;
    /** Conversations whose summary is being written, so that two turns do not write it twice. */
    private final Set<Long> summarizing = ConcurrentHashMap.newKeySet();

    TutorService(ConversationStore store, Moderation moderation, Alerts alerts, AiPolicy policy,
            SafetySettingsStore safety, PromptTemplates prompts, KnowledgeRetriever retriever,
            KnowledgeContext knowledgeContext, StudentContexts studentContexts, Items items, AssistantToolbox toolbox,
            LlmGateway gateway, MessageSource messages, PlatformTransactionManager transactions, RequestDoor door, Clock clock,
            ZoneId zone) {
        this.door = door;
        this.toolbox = toolbox;
        this.gateway = gateway;
        this.store = store;
        this.moderation = moderation;
        this.alerts = alerts;
        this.policy = policy;
        this.safety = safety;
        this.prompts = prompts;
        this.retriever = retriever;
        this.knowledgeContext = knowledgeContext;
        this.studentContexts = studentContexts;
        this.items = items;
        this.messages = messages;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.zone = zone;
    }

    /**
     * Either a turn for the model, or one answered already. The caller has checked the
     * conversation is the user's. The work passes the {@link RequestDoor}, so a burst waits
     * briefly in order or is told at once to come back; a turn the model could not take now is
     * refused (429) before anything is written.
     */
    Begun begin(CurrentUser me, ConversationStore.Conversation conversation, String text) {
        boolean student = me.is(Role.STUDENT);
        try {
            gateway.checkAdmissible(ModelRole.CHAT, student ? Priority.STUDENT : Priority.TEACHER, me.id(), null);
        } catch (LlmException full) {
            // Told at once, without waiting at the door behind the messages being prepared; a message
            // that calls for care is answered all the same (that reply needs no model).
            if (!student || !moderation.check(me.schoolId(), text, Moderation.Direction.IN).flagged()) {
                throw full;
            }
        }
        return door.pass(() -> beginInside(me, conversation, text));
    }

    /**
     * Hands a prepared turn to the model. When the gateway refuses it after all (another request
     * took the last place), the turn is deleted again, so that nothing half-written stays.
     */
    CallHandle start(CurrentUser me, Turn turn, TokenSink sink) {
        try {
            return run(me, turn, sink);
        } catch (LlmException refused) {
            store.deleteTurn(turn.userMessageId(), turn.replyId());
            throw refused;
        }
    }

    private Begun beginInside(CurrentUser me, ConversationStore.Conversation conversation, String text) {
        boolean student = me.is(Role.STUDENT);
        SafetySettings settings = safety.of(me.schoolId());
        if (student) {
            policy.require(me.id());
            ZonedDateTime now = clock.instant().atZone(zone);
            if (settings.quietAt(now.toLocalTime())) {
                throw ApiException.forbidden("quiet-hours", settings.quietStart(), settings.quietEnd());
            }
            LocalDate today = now.toLocalDate();
            if (store.sentSince(me.id(), today.atStartOfDay(zone).toInstant()) >= settings.dailyCap()) {
                throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "daily-cap-reached", settings.dailyCap());
            }
        }
        Moderation.Verdict verdict = student ? moderation.check(me.schoolId(), text, Moderation.Direction.IN)
                : Moderation.Verdict.CLEAN;
        if (verdict.flagged()) {
            String answer = careReply(verdict.category(), settings);
            long[] ids = transaction.execute(status -> {
                long userMessage = store.insertMessage(me.schoolId(), conversation.id(), "USER", text, null,
                        ConversationStore.Status.COMPLETE, verdict.category());
                if (verdict.severity() != Category.Severity.LOW) {
                    alerts.raise(me.schoolId(), me.id(), userMessage, verdict.category(), text);
                }
                long reply = store.insertMessage(me.schoolId(), conversation.id(), "ASSISTANT", answer, null,
                        ConversationStore.Status.COMPLETE, null);
                return new long[] {userMessage, reply};
            });
            return new Answered(ids[0], ids[1], answer, verdict.category());
        }
        // A care reply needs no model and is never refused; anything else is, at once, when the model is full.
        gateway.checkAdmissible(ModelRole.CHAT, student ? Priority.STUDENT : Priority.TEACHER, me.id(), null);
        Prompt prompt = prompt(me, conversation, text, settings);
        long[] ids = transaction.execute(status -> new long[] {
                store.insertMessage(me.schoolId(), conversation.id(), "USER", text, prompt.turnText(),
                        ConversationStore.Status.COMPLETE, null),
                store.insertMessage(me.schoolId(), conversation.id(), "ASSISTANT", "", null,
                        ConversationStore.Status.STREAMING, null)});
        return new Turn(ids[0], ids[1], prompt.call(), prompt.canary(), me.schoolId(), me.id(), student,
                conversation.id(), prompt.summarizeBefore(), settings);
    }

    /** What the buddy says, without the model, to a message that calls for care, a refusal or a reminder. */
    String careReply(Category category, SafetySettings settings) {
        String contacts = String.join("\n", settings.supportContacts().stream().map(c -> "- " + c).toList());
        return messages.getMessage("tutor.care." + category.name(), new Object[] {contacts}, Locale.SIMPLIFIED_CHINESE);
    }

    /** The teacher assistant as a LangChain4j AI service; its memory is filled from the stored conversation. */
    interface TeacherAssistant {
        TokenStream chat(@dev.langchain4j.service.UserMessage String message);
    }

    /**
     * Runs a prepared turn: a student's straight through the gateway; a teacher's through the
     * assistant, whose tools run with the teacher's permissions and whose every model call goes
     * through the gateway too. Returns what cancels it.
     */
    CallHandle run(CurrentUser me, Turn turn, TokenSink replySink) {
        TokenSink sink = turn.summarizeBefore() == null ? replySink : new TokenSink() {
            @Override
            public void onQueued(int ahead, long estimatedWaitMillis) {
                replySink.onQueued(ahead, estimatedWaitMillis);
            }

            @Override
            public void onToken(String text) {
                replySink.onToken(text);
            }

            @Override
            public void onComplete(Usage usage) {
                replySink.onComplete(usage);
                if (summarizing.add(turn.conversationId())) {
                    Thread.ofVirtual().name("summary-" + turn.conversationId()).start(() -> {
                        try {
                            summarize(turn);
                        } finally {
                            summarizing.remove(turn.conversationId());
                        }
                    });
                }
            }

            @Override
            public void onError(LlmException error) {
                replySink.onError(error);
            }
        };
        if (turn.student()) {
            return gateway.stream(turn.call(), sink);
        }
        GatewayChatModel model = new GatewayChatModel(gateway, turn.call());
        List<ChatMessage> messages = turn.call().messages();
        MessageWindowChatMemory memory = MessageWindowChatMemory.withMaxMessages(WINDOW_HARD_MESSAGES + 40);
        messages.subList(0, messages.size() - 1).forEach(memory::add);
        String question = ((UserMessage) messages.getLast()).singleText();
        TeacherAssistant assistant = AiServices.builder(TeacherAssistant.class)
                .streamingChatModel(model)
                .chatMemory(memory)
                .tools(toolbox.toolsFor(me))
                .maxSequentialToolsInvocations(MAX_TOOL_ROUNDS)
                .build();
        assistant.chat(question)
                .onPartialResponse(token -> {
                    try {
                        sink.onToken(token);
                    } catch (RuntimeException clientGone) {
                        model.cancel();
                    }
                })
                .onCompleteResponse(response -> sink.onComplete(new Usage("assistant", "tools",
                        response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount(),
                        response.tokenUsage() == null ? null : response.tokenUsage().outputTokenCount(), 0, 0, 0)))
                .onError(error -> sink.onError(error instanceof LlmException llm ? llm
                        : LlmException.failed("assistant", String.valueOf(error.getMessage()), false)))
                .start();
        return model::cancel;
    }

    /**
     * Folds the messages that slid out of the window into the conversation's running summary (a
     * background call at batch priority); on failure the summary stays as it was and the next
     * turn tries again.
     */
    void summarize(Turn turn) {
        ConversationStore.Summary previous = store.summary(turn.conversationId());
        List<ConversationStore.Message> older = store.between(turn.conversationId(), previous.upto(), turn.summarizeBefore());
        if (older.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (ConversationStore.Message m : older) {
            text.append(m.role().equals("USER") ? (turn.student() ? "学生：" : "老师：") : "助手：")
                    .append(PromptTemplates.quoted(m.content()).replace('\n', ' ')).append('\n');
        }
        String prompt = prompts.render("tutor/summary", Map.of("previous", previous.text() == null ? "（无）"
                : PromptTemplates.quoted(previous.text()), "messages", text.toString().strip()));
        try {
            String summary = gateway.complete(LlmCall.of(ModelRole.CHAT, Priority.BATCH, turn.userId(),
                    List.of(UserMessage.from(prompt))).withTemperature(0).withMaxTokens(400));
            store.setSummary(turn.conversationId(), summary.strip(), older.getLast().id());
        } catch (LlmException e) {
            // The window still holds the recent messages; the summary catches up on a later turn.
        }
    }

    /** What the student sees instead of a reply that had to be stopped. */
    String blockedReply(Category category) {
        return messages.getMessage(category == null ? "tutor.blocked" : "tutor.blocked.flagged", null,
                Locale.SIMPLIFIED_CHINESE);
    }

    /** A turn's call before anything is stored: the user's turn as sent is kept with the message. */
    private record Prompt(LlmCall call, Canary canary, String turnText, Long summarizeBefore) {
    }

    private Prompt prompt(CurrentUser me, ConversationStore.Conversation conversation, String text,
            SafetySettings settings) {
        boolean student = me.is(Role.STUDENT);
        // What every student (or teacher) shares first, then this conversation, then its turns: a
        // prefix cache serves the shared start to everyone and each conversation's past to itself.
        Canary canary = Canary.of(store.canary(conversation.id()));
        String system = student
                ? prompts.render("tutor/buddy", Map.of()) + "\n" + prompts.render("tutor/buddy-conversation", Map.of(
                        "canary", canary.token(), "studentContext", studentContexts.of(me.schoolId(), me.id()),
                        "item", itemLine(me, conversation)))
                : prompts.render("tutor/assistant", Map.of()) + "\n" + prompts.render("tutor/assistant-conversation",
                        Map.of("canary", canary.token()));
        canary.guarding(system);

        List<ChatMessage> chat = new ArrayList<>();
        chat.add(SystemMessage.from(system));
        ConversationStore.Summary summary = store.summary(conversation.id());
        if (summary.text() != null) {
            chat.add(SystemMessage.from(prompts.render("tutor/earlier", Map.of("summary",
                    PromptTemplates.quoted(summary.text())))));
        }
        List<ConversationStore.PromptMessage> window = window(store.window(conversation.id(), summary.upto(),
                Long.MAX_VALUE, WINDOW_HARD_MESSAGES));
        for (ConversationStore.PromptMessage m : window) {
            if (!m.text().isBlank()) {
                chat.add(m.role().equals("USER") ? UserMessage.from(m.text()) : AiMessage.from(m.text()));
            }
        }
        String turnText = turnText(me, conversation, text, settings, student, window);
        chat.add(UserMessage.from(turnText));
        LlmCall call = LlmCall.of(ModelRole.CHAT, student ? Priority.STUDENT : Priority.TEACHER, me.id(), chat)
                .withTemperature(0.3);
        return new Prompt(call, canary, turnText, foldPoint(window));
    }

    /** The window as sent: at most the hard limits of characters, newest kept. */
    private static List<ConversationStore.PromptMessage> window(List<ConversationStore.PromptMessage> since) {
        int chars = 0;
        int from = since.size();
        while (from > 0 && chars + since.get(from - 1).text().length() <= WINDOW_HARD_CHARS) {
            chars += since.get(--from).text().length();
        }
        return since.subList(from, since.size());
    }

    /**
     * Where the window should be folded into the summary (the first message that stays), or null
     * while it is within its limits. What stays starts with a student's (or teacher's) message.
     */
    static Long foldPoint(List<ConversationStore.PromptMessage> window) {
        int chars = window.stream().mapToInt(m -> m.text().length()).sum();
        if (window.size() <= WINDOW_MESSAGES && chars <= WINDOW_CHARS) {
            return null;
        }
        int kept = 0;
        int keptChars = 0;
        Long point = null;
        for (int i = window.size() - 1; i > 0; i--) {
            ConversationStore.PromptMessage m = window.get(i);
            if (kept + 1 > WINDOW_KEEP || keptChars + m.text().length() > WINDOW_KEEP_CHARS) {
                break;
            }
            kept++;
            keptChars += m.text().length();
            if (m.role().equals("USER")) {
                point = m.id();
            }
        }
        // Nothing small enough to keep (one very long message): fold all but the newest.
        return point != null ? point : window.getLast().id();
    }

    /**
     * The user's turn as the model gets it: this turn's passages and notes, then the words, quoted
     * for a student. A passage an earlier message of the window carries is not sent again: the
     * model has it, and the turn costs the model server only what is new.
     */
    private String turnText(CurrentUser me, ConversationStore.Conversation conversation, String text,
            SafetySettings settings, boolean student, List<ConversationStore.PromptMessage> window) {
        // A student's every message is retrieved for, so cheaply, and not at all for "懂了" or "下一题"
        // (passages for those only lengthen the prompt); a teacher's rarer requests get both searches.
        List<Passage> passages = (!student ? retriever.retrieve(KnowledgeQuery.of(me.schoolId(), text, TEACHER_SOURCES))
                : text.codePointCount(0, text.length()) <= SMALL_TALK_CHARS ? List.<Passage>of()
                : retriever.retrieveCheaply(KnowledgeQuery.of(me.schoolId(), text, STUDENT_SOURCES)))
                .stream()
                .filter(p -> window.stream().noneMatch(m -> m.role().equals("USER") && knowledgeContext.sentIn(p, m.text())))
                .toList();
        StringBuilder context = new StringBuilder();
        if (!passages.isEmpty()) {
            context.append(knowledgeContext.blocks(passages)).append("\n\n");
        }
        if (student) {
            String note = answerNote(me, conversation, settings);
            if (!note.isEmpty()) {
                context.append(note.strip()).append("\n\n");
            }
            return prompts.render("tutor/student-message", Map.of("context", context.toString(),
                    "message", PromptTemplates.quoted(text)));
        }
        return prompts.render("tutor/teacher-message", Map.of("context", context.toString(), "message", text)).strip();
    }

    /** The assigned item of the conversation, as the buddy should know it; empty for a free conversation. */
    private String itemLine(CurrentUser me, ConversationStore.Conversation conversation) {
        if (conversation.itemId() == null) {
            return "";
        }
        return items.findFacts(me.schoolId(), conversation.itemId())
                .map(i -> prompts.render("tutor/buddy-item", Map.of("stem", PromptTemplates.quoted(i.stem()))))
                .orElse("");
    }

    /** Whether the buddy may give this item's answer yet; empty for a free conversation. */
    private String answerNote(CurrentUser me, ConversationStore.Conversation conversation, SafetySettings settings) {
        if (conversation.itemId() == null) {
            return "";
        }
        int attempts = store.attempts(me.id(), conversation.itemId());
        boolean mayAnswer = settings.answerAfter() > 0 && attempts >= settings.answerAfter();
        return prompts.render(mayAnswer ? "tutor/answer-allowed" : "tutor/answer-withheld", Map.of("attempts", attempts));
    }
}
