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

    private final EmbeddedEngine engine;
    private final JsonMapper json;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("embedded-llm").factory());

    EmbeddedChatModel(EmbeddedEngine engine, JsonMapper json) {
        this.engine = engine;
        this.json = json;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        AtomicBoolean cancelled = new AtomicBoolean();
        CancellableHttpClient.current().attach(() -> cancelled.set(true));
        String grammar = grammar(request.parameters().responseFormat());
        int maxTokens = request.parameters().maxOutputTokens() == null ? DEFAULT_MAX_TOKENS
                : request.parameters().maxOutputTokens();
        double temperature = request.parameters().temperature() == null ? 0.7 : request.parameters().temperature();
        worker.execute(() -> {
            try {
                String prompt = prompt(request.messages());
                EmbeddedEngine.Result result = engine.generate(
                        new EmbeddedEngine.Generation(prompt, maxTokens, temperature, grammar, List.of()),
                        text -> handler.onPartialResponse(text), cancelled::get);
                if (cancelled.get()) {
                    return; // the gateway ended the call and expects nothing more
                }
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(AiMessage.from(result.text()))
                        .modelName(engine.name())
                        .finishReason(result.stoppedByLimit() ? FinishReason.LENGTH : FinishReason.STOP)
                        .tokenUsage(new TokenUsage(result.promptTokens(), result.outputTokens()))
                        .build());
            } catch (RuntimeException e) {
                handler.onError(e);
            }
        });
    }

    /** The system messages joined, then the turns; a tool's result is given to the model as the user's words. */
    private String prompt(List<ChatMessage> messages) {
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
        return engine.prompt(String.join("\n\n", system), turns);
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

    void close() {
        worker.shutdownNow();
    }
}
