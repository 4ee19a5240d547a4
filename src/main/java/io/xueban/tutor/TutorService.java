package io.xueban.tutor;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
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
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.insight.ClassProfiles;
import io.xueban.insight.MasteryService;
import io.xueban.insight.StudentSnapshot;
import io.xueban.knowledge.KnowledgeContext;
import io.xueban.lessonplan.LessonPlanDrafts;
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
import io.xueban.path.StudentPaths;
import io.xueban.safety.AiPolicy;
import io.xueban.safety.Alerts;
import io.xueban.safety.Category;
import io.xueban.safety.Moderation;
import io.xueban.safety.SafetySettings;
import io.xueban.safety.SafetySettingsStore;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;

/**
 * One turn of a conversation, up to the model call. For a student: the AI-use policy, quiet
 * hours and the daily cap are checked; the message is moderated and stored (with its alert, in
 * the same transaction, when it needs one); a message that calls for care is answered at once
 * with a safe, caring reply and the school's support contacts, without the model. Otherwise the
 * reply is prepared (STREAMING) and the prompt built: the assistant's instructions with a fresh
 * canary, what the buddy should know of the student, library passages and the student's words
 * as quoted data, and the recent conversation.
 */
@Service
class TutorService {

    /** Messages of the conversation the model sees. */
    static final int HISTORY = 12;
    static final int SOURCES = 3;
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
    private final MasteryService mastery;
    private final KnowledgePoints knowledgePoints;
    private final StudentPaths paths;
    private final Items items;
    private final AccessPolicy access;
    private final ClassProfiles profiles;
    private final LlmGateway gateway;
    private final LessonPlanDrafts lessonPlans;
    private final MessageSource messages;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final ZoneId zone;

    TutorService(ConversationStore store, Moderation moderation, Alerts alerts, AiPolicy policy,
            SafetySettingsStore safety, PromptTemplates prompts, KnowledgeRetriever retriever,
            KnowledgeContext knowledgeContext, MasteryService mastery, KnowledgePoints knowledgePoints, StudentPaths paths,
            Items items, AccessPolicy access, ClassProfiles profiles, LlmGateway gateway, LessonPlanDrafts lessonPlans,
            MessageSource messages, PlatformTransactionManager transactions, Clock clock,
            @Value("${xueban.time-zone:Asia/Shanghai}") ZoneId zone) {
        this.lessonPlans = lessonPlans;
        this.access = access;
        this.profiles = profiles;
        this.gateway = gateway;
        this.store = store;
        this.moderation = moderation;
        this.alerts = alerts;
        this.policy = policy;
        this.safety = safety;
        this.prompts = prompts;
        this.retriever = retriever;
        this.knowledgeContext = knowledgeContext;
        this.mastery = mastery;
        this.knowledgePoints = knowledgePoints;
        this.paths = paths;
        this.items = items;
        this.messages = messages;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.zone = zone;
    }

    /** Either a turn for the model, or one answered already. The caller has checked the conversation is the user's. */
    Begun begin(CurrentUser me, ConversationStore.Conversation conversation, String text) {
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
        Moderation.Verdict verdict = student ? moderation.check(me.schoolId(), me.id(), text, Moderation.Direction.IN)
                : Moderation.Verdict.CLEAN;
        Optional<String> answer = verdict.flagged() ? Optional.of(careReply(verdict.category(), settings)) : Optional.empty();
        long[] ids = transaction.execute(status -> {
            long userMessage = store.insertMessage(me.schoolId(), conversation.id(), "USER", text,
                    ConversationStore.Status.COMPLETE, verdict.category());
            if (verdict.flagged() && verdict.severity() != Category.Severity.LOW) {
                alerts.raise(me.schoolId(), me.id(), userMessage, verdict.category(), text);
            }
            long reply = store.insertMessage(me.schoolId(), conversation.id(), "ASSISTANT", answer.orElse(""),
                    answer.isPresent() ? ConversationStore.Status.COMPLETE : ConversationStore.Status.STREAMING, null);
            return new long[] {userMessage, reply};
        });
        if (answer.isPresent()) {
            return new Answered(ids[0], ids[1], answer.get(), verdict.category());
        }
        try {
            return prepare(me, conversation, text, ids[0], ids[1], settings);
        } catch (RuntimeException e) {
            // The reply will never come: say so rather than leave it "streaming".
            store.finish(ids[1], "", ConversationStore.Status.FAILED, null);
            throw e;
        }
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
                Thread.ofVirtual().name("summary-" + turn.conversationId()).start(() -> summarize(turn));
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
        MessageWindowChatMemory memory = MessageWindowChatMemory.withMaxMessages(HISTORY + 40);
        messages.subList(0, messages.size() - 1).forEach(memory::add);
        String question = ((UserMessage) messages.getLast()).singleText();
        TeacherAssistant assistant = AiServices.builder(TeacherAssistant.class)
                .streamingChatModel(model)
                .chatMemory(memory)
                .tools(new AssistantTools(me, access, profiles, knowledgePoints, items, mastery, lessonPlans))
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

    private Turn prepare(CurrentUser me, ConversationStore.Conversation conversation, String text, long userMessage,
            long reply, SafetySettings settings) {
        boolean student = me.is(Role.STUDENT);
        Canary canary = Canary.fresh();
        List<Passage> passages = retriever.retrieve(KnowledgeQuery.of(me.schoolId(), text, SOURCES));
        Map<String, Object> values = new HashMap<>();
        values.put("canary", canary.token());
        values.put("sources", passages.isEmpty() ? "" : knowledgeContext.render(passages));
        if (student) {
            values.put("answerPolicy", answerPolicy(me, conversation, settings));
            values.put("studentContext", studentContext(me));
        }
        String system = prompts.render(student ? "tutor/buddy" : "tutor/assistant", values);
        canary.guarding(system);

        List<ChatMessage> chat = new ArrayList<>();
        chat.add(SystemMessage.from(system));
        ConversationStore.Summary summary = store.summary(conversation.id());
        if (summary.text() != null) {
            chat.add(SystemMessage.from(prompts.render("tutor/earlier", Map.of("summary",
                    PromptTemplates.quoted(summary.text())))));
        }
        List<ConversationStore.Message> recent = new ArrayList<>(store.messages(conversation.id(), userMessage, HISTORY));
        recent.sort(Comparator.comparingLong(ConversationStore.Message::id));
        // Messages older than the window and not yet in the summary: summarised once this turn is answered.
        Long summarizeBefore = recent.size() == HISTORY
                && !store.between(conversation.id(), summary.upto(), recent.getFirst().id()).isEmpty()
                ? recent.getFirst().id() : null;
        for (ConversationStore.Message m : recent) {
            if (m.status() == ConversationStore.Status.COMPLETE && !m.content().isBlank()) {
                chat.add(m.role().equals("USER") ? UserMessage.from(quotedMessage(m.content(), student))
                        : AiMessage.from(m.content()));
            }
        }
        chat.add(UserMessage.from(quotedMessage(text, student)));
        LlmCall call = LlmCall.of(ModelRole.CHAT, student ? Priority.STUDENT : Priority.TEACHER, me.id(), chat)
                .withTemperature(0.3);
        return new Turn(userMessage, reply, call, canary, me.schoolId(), me.id(), student, conversation.id(),
                summarizeBefore, settings);
    }

    /** A student's words as quoted data (angle brackets neutralised); a teacher's as they are. */
    private String quotedMessage(String text, boolean student) {
        return student ? prompts.render("tutor/student-message", Map.of("message",
                PromptTemplates.quoted(text))) : text;
    }

    private String answerPolicy(CurrentUser me, ConversationStore.Conversation conversation, SafetySettings settings) {
        if (conversation.itemId() == null) {
            return "学生问的如果是作业或练习题，同样以引导为主，不直接给出最终答案。";
        }
        Optional<ItemFacts> item = items.findFacts(me.schoolId(), conversation.itemId());
        String stem = item.map(i -> "这次对话针对老师布置的题目：“" + PromptTemplates.quoted(i.stem()) + "”。")
                .orElse("");
        int attempts = store.attempts(me.id(), conversation.itemId());
        boolean mayAnswer = settings.answerAfter() > 0 && attempts >= settings.answerAfter();
        return stem + (mayAnswer ? "学生已经尝试了 " + attempts + " 次，可以在引导之后给出完整解答和最终答案。"
                : "学生还没有尝试足够的次数（已尝试 " + attempts + " 次），不要给出这道题的最终答案，只给提示。");
    }

    /** The student's current path step and their weakest points, as the buddy should know them. */
    private String studentContext(CurrentUser me) {
        StringBuilder context = new StringBuilder();
        paths.nextStep(me.schoolId(), me.id()).ifPresent(step ->
                context.append("- 当前学习步骤：").append(step.kpName()).append("（").append(step.explanation()).append("）\n"));
        StudentSnapshot snapshot = mastery.snapshot(me.schoolId(), me.id());
        Map<Long, String> names = new HashMap<>();
        knowledgePoints.list(me.schoolId(), null).forEach((KnowledgePoint kp) -> names.put(kp.id(), kp.name()));
        List<String> weak = snapshot.knowledgePoints().entrySet().stream()
                .filter(e -> e.getValue().attempts() > 0 && names.containsKey(e.getKey()))
                .sorted(Comparator.comparingDouble(e -> e.getValue().probability()))
                .limit(3)
                .map(e -> names.get(e.getKey()))
                .toList();
        if (!weak.isEmpty()) {
            context.append("- 目前较薄弱的知识点：").append(String.join("、", weak)).append('\n');
        }
        return context.isEmpty() ? "（暂无学情数据）" : context.toString().strip();
    }
}
