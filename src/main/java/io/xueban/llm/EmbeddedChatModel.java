package io.xueban.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in engine as LangChain4j's streaming chat model, so that the gateway treats it like
 * any model server: the conversation goes through the model's chat template, a JSON schema
 * becomes a grammar, tokens stream to the handler, and the gateway's cancel stops generating.
 * Generation runs on one platform thread of its own (native code must not pin a virtual
 * thread's carrier); calls wait their turn, as on a server with one slot.
 */
final class EmbeddedChatModel implements StreamingChatModel {

    /** Room kept for the answer when the caller sets no limit. */
    static final int DEFAULT_MAX_TOKENS = 1024;
    /** The least room for an answer; a conversation that leaves less is shortened, its oldest turns first. */
    static final int MIN_ANSWER_TOKENS = 256;

    private final EmbeddedEngine engine;
    private final JsonMapper json;
    private final String noTools;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("embedded-llm").factory());
    /** The cancel flag of the generation under way, so that shutting down can stop it. */
    private volatile AtomicBoolean current;

    /** @param noTools the reply when a call needs tools (the assistant's data lookups), which this model cannot use */
    EmbeddedChatModel(EmbeddedEngine engine, JsonMapper json, String noTools) {
        this.engine = engine;
        this.json = json;
        this.noTools = noTools;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        AtomicBoolean cancelled = new AtomicBoolean();
        CancellableHttpClient.current().attach(() -> cancelled.set(true));
        if (!request.parameters().toolSpecifications().isEmpty()) {
            // Without its tools the assistant would answer about students without their data: say so instead.
            handler.onPartialResponse(noTools);
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(noTools))
                    .modelName(engine.name()).finishReason(FinishReason.STOP).build());
            return;
        }
        String grammar = grammar(request.parameters().responseFormat());
        int maxTokens = request.parameters().maxOutputTokens() == null ? DEFAULT_MAX_TOKENS
                : request.parameters().maxOutputTokens();
        double temperature = request.parameters().temperature() == null ? 0.7 : request.parameters().temperature();
        worker.execute(() -> {
            // The caller's handler writes to a client that may be slow: it never holds up the engine.
            Delivery delivery = new Delivery(handler, cancelled);
            current = cancelled;
            try {
                Fitted fitted = fit(request.messages(), maxTokens);
                EmbeddedEngine.Result result = engine.generate(
                        new EmbeddedEngine.Generation(fitted.prompt(), fitted.maxTokens(), temperature, grammar, List.of()),
                        delivery::piece, cancelled::get);
                if (cancelled.get()) {
                    return; // the gateway ended the call and expects nothing more
                }
                delivery.complete(ChatResponse.builder()
                        .aiMessage(AiMessage.from(result.text()))
                        .modelName(engine.name())
                        .finishReason(result.stoppedByLimit() ? FinishReason.LENGTH : FinishReason.STOP)
                        .tokenUsage(new TokenUsage(result.promptTokens(), result.outputTokens()))
                        .build());
            } catch (RuntimeException e) {
                delivery.fail(e);
            } finally {
                current = null;
            }
        });
    }

    private record Fitted(String prompt, int maxTokens) {
    }

    /**
     * The prompt and answer limit that fit the model's context: the oldest turns go first (the
     * system prompt and the newest turn always stay), and the answer gets what room is left. The
     * engine would otherwise cut the front of the prompt, where the system prompt is.
     */
    private Fitted fit(List<ChatMessage> messages, int maxTokens) {
        List<String> system = new ArrayList<>();
        List<EmbeddedEngine.Turn> turns = new ArrayList<>();
        for (ChatMessage message : messages) {
            switch (message) {
                case SystemMessage s -> system.add(s.text());
                case UserMessage u -> turns.add(new EmbeddedEngine.Turn(false, u.hasSingleText() ? u.singleText()
                        : u.contents().stream().filter(c -> c instanceof dev.langchain4j.data.message.TextContent)
                                .map(c -> ((dev.langchain4j.data.message.TextContent) c).text())
                                .reduce("", (a, b) -> a + b)));
                case AiMessage a -> turns.add(new EmbeddedEngine.Turn(true, a.text() == null ? "" : a.text()));
                case ToolExecutionResultMessage t -> turns.add(new EmbeddedEngine.Turn(false, t.text()));
                default -> {
                    // other kinds carry nothing the model reads
                }
            }
        }
        String systemText = String.join("\n\n", system);
        int context = engine.contextSize();
        int answer = Math.min(maxTokens, Math.max(MIN_ANSWER_TOKENS, context / 4));
        while (true) {
            String prompt = engine.prompt(systemText, turns);
            int promptTokens = engine.countTokens(prompt);
            if (promptTokens + answer <= context || turns.size() <= 1) {
                int room = context - promptTokens - 1;
                if (room < Math.min(16, maxTokens)) {
                    throw new EmbeddedEngine.EngineException("The conversation is too long for the built-in model ("
                            + promptTokens + " tokens of " + context + ").", null);
                }
                return new Fitted(prompt, Math.min(maxTokens, room));
            }
            turns.remove(0);
        }
    }

    /** Hands pieces to the caller's handler in order, on a thread of the call's own. */
    private static final class Delivery {

        private final StreamingChatResponseHandler handler;
        private final AtomicBoolean cancelled;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());

        Delivery(StreamingChatResponseHandler handler, AtomicBoolean cancelled) {
            this.handler = handler;
            this.cancelled = cancelled;
        }

        /** A piece still waiting when the call is cancelled is dropped: the caller has gone. */
        void piece(String text) {
            thread.execute(() -> {
                if (!cancelled.get()) {
                    handler.onPartialResponse(text);
                }
            });
        }

        void complete(ChatResponse response) {
            thread.execute(() -> handler.onCompleteResponse(response));
            thread.shutdown();
        }

        void fail(Throwable error) {
            thread.execute(() -> handler.onError(error));
            thread.shutdown();
        }
    }

    private String grammar(ResponseFormat format) {
        if (format == null || format.type() != ResponseFormatType.JSON) {
            return null;
        }
        if (format.jsonSchema() == null) {
            return "root ::= object\n" + JSON_GRAMMAR;
        }
        Map<String, Object> schema = JsonSchemaElementUtils.toMap(format.jsonSchema().rootElement(), true);
        return EmbeddedEngine.grammarFor(schema, json.writeValueAsString(schema));
    }

    /** Any JSON object, for JSON output without a schema. */
    private static final String JSON_GRAMMAR = """
            value ::= object | array | string | number | ("true" | "false" | "null") ws
            object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
            array ::= "[" ws ( value ("," ws value)* )? "]" ws
            string ::= "\\"" ( [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\bfnrt] | "u" [0-9a-fA-F]{4}) )* "\\"" ws
            number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
            ws ::= | " " | "\\n" [ \\t]{0,20}
            """;

    /** Stops the generation under way, lets queued calls fail (the engine is closing), and waits a little. */
    void close() {
        AtomicBoolean running = current;
        if (running != null) {
            running.set(true);
        }
        worker.shutdown();
        try {
            worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
