package io.xueban.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.output.JsonSchemas;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in engine behind LangChain4j's streaming interface, as the gateway calls it. */
class EmbeddedChatModelTest {

    static final Path DIR = Path.of("target", "test-data", "embedded-chat");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static EmbeddedEngine engine;
    static EmbeddedChatModel model;

    enum Category { NONE, BULLYING }

    record Verdict(Category category, int confidence) {
    }

    @BeforeAll
    static void load() throws IOException {
        Files.createDirectories(DIR);
        engine = EmbeddedEngine.load(TinyGguf.write(DIR.resolve("tiny.gguf"), 7), DIR.resolve("native"), TinyGguf.CONTEXT, 2);
        model = new EmbeddedChatModel(engine, JSON, "内置的小模型不能查询班级数据。");
    }

    @AfterAll
    static void close() {
        model.close();
        engine.close();
    }

    static final class Collected implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partial) {
            partials.add(partial);
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    static ChatRequest request(int maxTokens, ResponseFormat format, double temperature) {
        var parameters = ChatRequestParameters.builder().maxOutputTokens(maxTokens).temperature(temperature);
        if (format != null) {
            parameters.responseFormat(format);
        }
        return ChatRequest.builder().messages(SystemMessage.from("你是学伴。"), UserMessage.from("勾股定理是什么？"))
                .parameters(parameters.build()).build();
    }

    @Test
    void aReplyStreamsAndEndsAtTheTokenLimit() throws Exception {
        Collected handler = new Collected();
        model.chat(request(10, null, 0), handler);
        ChatResponse response = handler.done.get(60, TimeUnit.SECONDS);
        assertThat(handler.partials.size()).isGreaterThan(1);
        assertThat(String.join("", handler.partials)).isEqualTo(response.aiMessage().text());
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().inputTokenCount()).isGreaterThan(10);
    }

    @Test
    void aStructuredRequestGetsJsonOfItsSchemaAndAPlainJsonRequestGetsJson() throws Exception {
        var schema = JsonSchemas.jsonSchemaFrom(Verdict.class).orElseThrow();
        Collected structured = new Collected();
        // Greedy, so the same every run: a random sampler may pad the JSON with whitespace past any limit.
        model.chat(request(200, ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build(), 0),
                structured);
        JsonNode verdict = JSON.readTree(structured.done.get(60, TimeUnit.SECONDS).aiMessage().text());
        assertThat(verdict.path("category").asString()).isIn("NONE", "BULLYING");
        assertThat(verdict.path("confidence").isIntegralNumber()).isTrue();

        Collected plain = new Collected();
        model.chat(request(200, ResponseFormat.JSON, 0), plain);
        String text = plain.done.get(60, TimeUnit.SECONDS).aiMessage().text();
        assertThat(JSON.readTree(text).isObject()).as(text).isTrue();
    }

    @Test
    void aCallThatNeedsToolsIsToldSoInsteadOfAnsweredWithoutData() throws Exception {
        var tool = dev.langchain4j.agent.tool.ToolSpecification.builder().name("classOverview").description("班级概况").build();
        Collected handler = new Collected();
        model.chat(ChatRequest.builder().messages(UserMessage.from("班里怎么样？"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(tool).build()).build(), handler);
        assertThat(handler.done.get(10, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("内置的小模型不能查询班级数据。");
    }

    @Test
    void aConversationLongerThanTheContextLosesItsOldestTurnsNotItsSystemPrompt() throws Exception {
        List<dev.langchain4j.data.message.ChatMessage> messages = new java.util.ArrayList<>();
        messages.add(SystemMessage.from("SYSTEM-RULES"));
        for (int i = 0; i < 40; i++) {
            messages.add(UserMessage.from("question " + i + " about the Pythagorean theorem"));
            messages.add(dev.langchain4j.data.message.AiMessage.from("answer " + i));
        }
        messages.add(UserMessage.from("the last question"));
        Collected handler = new Collected();
        model.chat(ChatRequest.builder().messages(messages)
                .parameters(ChatRequestParameters.builder().maxOutputTokens(400).temperature(0.0).build()).build(), handler);
        ChatResponse response = handler.done.get(60, TimeUnit.SECONDS);
        // It fitted: prompt and answer within the tiny model's context, the answer cut to the room left.
        assertThat(response.tokenUsage().inputTokenCount() + response.tokenUsage().outputTokenCount())
                .isLessThanOrEqualTo(TinyGguf.CONTEXT);
    }

    @Test
    void theGatewaysCancelStopsTheGenerationAndNothingCompletes() throws Exception {
        Collected handler = new Collected();
        CancellableHttpClient.Exchange exchange = new CancellableHttpClient.Exchange();
        CancellableHttpClient.within(exchange, () -> model.chat(request(200, null, 0), handler));
        long until = System.nanoTime() + 30_000_000_000L;
        while (handler.partials.size() < 2 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        exchange.cancel();
        int atCancel = handler.partials.size();
        Thread.sleep(500);
        assertThat(handler.partials.size()).isLessThanOrEqualTo(atCancel + 1);
        assertThat(handler.done).isNotDone();
        // The engine is free again for the next call.
        Collected next = new Collected();
        model.chat(request(5, null, 0), next);
        assertThat(next.done.get(60, TimeUnit.SECONDS).aiMessage().text()).isNotEmpty();
    }
}
