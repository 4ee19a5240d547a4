package io.xueban.llm;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

/**
 * The HTTP client under every LangChain4j model of the gateway: the JDK client, plus a way to
 * abort an exchange at any moment (before the first byte or mid-stream). The gateway opens an
 * {@link Exchange} around each model call; the model issues its request on the same thread, so
 * the request is attached to that exchange, and {@link Exchange#cancel()} closes the connection.
 */
final class CancellableHttpClient implements dev.langchain4j.http.client.HttpClient {

    private static final ThreadLocal<Exchange> CURRENT = new ThreadLocal<>();
    private static final int MAX_ERROR_BODY = 8192;

    private final HttpClient http;
    private final Duration readTimeout;
    /** Streams are read with blocking calls: on virtual threads, never on the common pool. */
    private final Executor readers = Executors.newVirtualThreadPerTaskExecutor();

    CancellableHttpClient(Duration connectTimeout, Duration readTimeout) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(readers)
                .build();
        this.readTimeout = readTimeout;
    }

    /** Runs {@code call} with {@code exchange} as the target of the requests it issues on this thread. */
    static void within(Exchange exchange, Runnable call) {
        Exchange previous = CURRENT.get();
        CURRENT.set(exchange);
        try {
            call.run();
        } finally {
            CURRENT.set(previous);
        }
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        Exchange exchange = current();
        CompletableFuture<HttpResponse<String>> future =
                http.sendAsync(toJdk(request), BodyHandlers.ofString(StandardCharsets.UTF_8));
        exchange.attach(future);
        try {
            HttpResponse<String> response = future.get();
            if (response.statusCode() / 100 != 2) {
                throw new HttpException(response.statusCode(), truncate(response.body()));
            }
            return SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode())
                    .headers(response.headers().map())
                    .body(response.body())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new CompletionException(e.getCause());
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        Exchange exchange = current();
        CompletableFuture<HttpResponse<InputStream>> future = http.sendAsync(toJdk(request), BodyHandlers.ofInputStream());
        exchange.attach(future);
        future.whenCompleteAsync((response, error) -> {
            if (error != null) {
                listener.onError(error instanceof CompletionException ? error.getCause() : error);
                return;
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    String text = new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                    listener.onError(new HttpException(response.statusCode(), text));
                    return;
                }
                exchange.attach(body);
                listener.onOpen(SuccessfulHttpResponse.builder()
                        .statusCode(response.statusCode()).headers(response.headers().map()).build());
                StrictListener strict = new StrictListener(listener, body);
                parser.parse(body, strict);
                if (!strict.failed) {
                    listener.onClose();
                }
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        }, readers);
    }

    /**
     * LangChain4j's parsers log and skip an event their listener cannot read; a reply with a
     * hole in it must fail instead. The first unreadable event ends the stream with an error.
     */
    private static final class StrictListener implements ServerSentEventListener {

        private final ServerSentEventListener delegate;
        private final InputStream body;
        private volatile boolean failed;

        StrictListener(ServerSentEventListener delegate, InputStream body) {
            this.delegate = delegate;
            this.body = body;
        }

        @Override
        public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
            if (failed) {
                return;
            }
            try {
                delegate.onEvent(event, context);
            } catch (RuntimeException e) {
                failed = true;
                delegate.onError(new IOException("unreadable event from the model server: " + e.getMessage(), e));
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing ends the parse
                }
            }
        }

        @Override
        public void onEvent(ServerSentEvent event) {
            onEvent(event, null);
        }

        @Override
        public void onError(Throwable error) {
            if (!failed) {
                failed = true;
                delegate.onError(error);
            }
        }
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        var builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(readTimeout);
        request.headers().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        String body = request.body();
        builder.method(request.method().name(),
                body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return builder.build();
    }

    static Exchange current() {
        Exchange exchange = CURRENT.get();
        // Calls outside the gateway (health checks) get a throwaway exchange.
        return exchange != null ? exchange : new Exchange();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY);
    }

    /** One model call's HTTP traffic, which can be cut off from any thread. */
    static final class Exchange {

        private volatile boolean cancelled;
        private volatile CompletableFuture<?> future;
        private volatile InputStream body;
        private volatile Runnable onCancel;

        /** What to do on cancel when the call is not HTTP (the built-in engine stops generating). */
        void attach(Runnable action) {
            this.onCancel = action;
            if (cancelled) {
                action.run();
            }
        }

        void attach(CompletableFuture<?> future) {
            this.future = future;
            if (cancelled) {
                future.cancel(true);
            }
        }

        void attach(InputStream body) throws IOException {
            this.body = body;
            if (cancelled) {
                body.close();
            }
        }

        /** Aborts the request or closes the stream; safe to call more than once and from any thread. */
        void cancel() {
            cancelled = true;
            Runnable action = onCancel;
            if (action != null) {
                action.run();
            }
            CompletableFuture<?> f = future;
            if (f != null) {
                f.cancel(true);
            }
            InputStream b = body;
            if (b != null) {
                try {
                    b.close();
                } catch (IOException ignored) {
                    // closing is all we wanted
                }
            }
        }

        boolean cancelled() {
            return cancelled;
        }
    }

    /** Hands LangChain4j this client, whatever timeouts it asks for (the gateway owns them). */
    static final class Builder implements HttpClientBuilder {

        private final CancellableHttpClient client;
        private Duration connectTimeout;
        private Duration readTimeout;

        Builder(CancellableHttpClient client) {
            this.client = client;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public dev.langchain4j.http.client.HttpClient build() {
            return client;
        }
    }
}
