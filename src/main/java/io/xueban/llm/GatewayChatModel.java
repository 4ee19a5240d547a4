package io.xueban.llm;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.TokenUsage;

/**
 * The gateway as a LangChain4j streaming chat model, for AI services with tools: every request
 * the service makes (the first, and each one after tools ran) is a call through the gateway,
 * queued, shared fairly and cancellable like any other, for one user and role. The call under
 * way can be cancelled ({@link #cancel()}), for instance when the client goes away.
 */
public final class GatewayChatModel implements StreamingChatModel {

    private final LlmGateway gateway;
    private final LlmCall template;
    private volatile CallHandle current;
    private volatile boolean cancelled;

    /** {@code template}: role, priority, user, class and temperature of every call; its messages are replaced. */
    public GatewayChatModel(LlmGateway gateway, LlmCall template) {
        this.gateway = gateway;
        this.template = template;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        if (cancelled) {
            handler.onError(LlmException.failed("gateway", "cancelled", false));
            return;
        }
        LlmCall call = template.withMessages(request.messages()).withTools(request.toolSpecifications());
        StringBuilder text = new StringBuilder();
        List<ToolExecutionRequest> tools = new ArrayList<>();
        current = gateway.stream(call, new TokenSink() {
            @Override
            public void onToken(String token) {
                text.append(token);
                handler.onPartialResponse(token);
            }

            @Override
            public void onToolCalls(List<ToolExecutionRequest> calls) {
                tools.addAll(calls);
            }

            @Override
            public void onComplete(Usage usage) {
                AiMessage message = tools.isEmpty() ? AiMessage.from(text.toString())
                        : AiMessage.from(text.toString(), tools);
                handler.onCompleteResponse(ChatResponse.builder().aiMessage(message)
                        .tokenUsage(new TokenUsage(usage.inputTokens(), usage.outputTokens())).build());
            }

            @Override
            public void onError(LlmException error) {
                handler.onError(error);
            }
        });
        if (cancelled) {
            current.cancel();
        }
    }

    public void cancel() {
        cancelled = true;
        CallHandle running = current;
        if (running != null) {
            running.cancel();
        }
    }
}
