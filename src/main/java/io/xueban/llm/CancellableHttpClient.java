package io.xueban.llm;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

/**
 * The HTTP client under every LangChain4j model of the gateway, plus a way to abort an exchange
 * at any moment (before the first byte or mid-stream). The gateway opens an {@link Exchange}
 * around each model call; the model issues its request on the same thread, so the request is
 * attached to that exchange, and {@link Exchange#cancel()} closes the connection.
 *
 * <p>Every call runs on a thread of its own, so a reply is read there with plain blocking
 * reads (Apache HttpClient's classic API): one socket read per chunk the model server sends, no
 * selector thread, no hand-over between threads, nothing spent per token but reading and parsing
 * it. A streaming {@code execute} therefore returns when the stream has ended.
 *
 * <p>An exchange can be paced ({@link Exchange#pace}): its socket is then read at most once per
 * interval, so a reply streamed at 20 tokens a second costs one read, one parse of what came
 * and one write to the client per interval instead of a wake-up and several system calls per
 * token.
 */
final class CancellableHttpClient implements dev.langchain4j.http.client.HttpClient, AutoCloseable {

    private static final ThreadLocal<Exchange> CURRENT = new ThreadLocal<>();
    private static final int MAX_ERROR_BODY = 8192;
    /** Headers the client writes itself from the request (HttpClient refuses them set twice). */
    private static final Set<String> OWN_HEADERS = Set.of("content-length", "transfer-encoding", "host", "connection");
    /** Beyond the calls the gateway lets through: health checks and model listings. */
    private static final int SPARE_CONNECTIONS = 16;

    private final CloseableHttpClient http;
    /** For a request outside the gateway, whose timers do not watch it: a limit on each read. */
    private final RequestConfig unwatched;

    /**
     * @param slots the model servers' slots together: the gateway never has more calls in flight,
     *              so a call never waits for a connection of the pool (which would look like a
     *              failing server)
     */
    CancellableHttpClient(Duration connectTimeout, Duration readTimeout, int slots) {
        this.unwatched = RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                .setResponseTimeout(Timeout.of(readTimeout))
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(new PacedConnections()
                        .setMaxConnPerRoute(slots + SPARE_CONNECTIONS)
                        .setMaxConnTotal(slots + SPARE_CONNECTIONS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                // No timer per read: the gateway's first-token and total limits close a stalled call.
                                .setSocketTimeout(Timeout.DISABLED)
                                // A connection the server closed while idle is found before it is used.
                                .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                        .setResponseTimeout(Timeout.DISABLED)
                        .build())
                // The gateway retries and fails over itself; a streamed reply must not be gzipped (it would be held).
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableRedirectHandling()
                .disableCookieManagement()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    /** Closes the kept connections (at shutdown). */
    @Override
    public void close() throws IOException {
        http.close();
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
        HttpUriRequestBase outgoing = toApache(request);
        Exchange exchange = attach(outgoing);
        try (ClassicHttpResponse response = http.executeOpen(null, outgoing, null)) {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : entity.getContent().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            if (response.getCode() / 100 != 2) {
                throw new HttpException(response.getCode(), truncate(text));
            }
            return SuccessfulHttpResponse.builder()
                    .statusCode(response.getCode())
                    .headers(headers(response))
                    .body(text)
                    .build();
        } catch (IOException e) {
            if (exchange.cancelled()) {
                throw new CancellationException("cancelled");
            }
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        HttpUriRequestBase outgoing = toApache(request);
        Exchange exchange = attach(outgoing);
        try (ClassicHttpResponse response = http.executeOpen(null, outgoing, null)) {
            HttpEntity entity = response.getEntity();
            InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
            if (response.getCode() / 100 != 2) {
                String text = new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
                listener.onError(new HttpException(response.getCode(), text));
                return;
            }
            listener.onOpen(SuccessfulHttpResponse.builder()
                    .statusCode(response.getCode()).headers(headers(response)).build());
            StrictListener strict = new StrictListener(listener, outgoing);
            parser.parse(body, strict);
            if (strict.failed) {
                return;
            }
            if (exchange.cancelled()) {
                // The parser ends quietly when the connection is closed under it.
                listener.onError(new CancellationException("cancelled"));
                return;
            }
            listener.onClose();
        } catch (IOException | RuntimeException e) {
            listener.onError(exchange.cancelled() ? new CancellationException("cancelled") : e);
        }
    }

    /**
     * LangChain4j's parsers log and skip an event their listener cannot read; a reply with a
     * hole in it must fail instead. The first unreadable event ends the stream with an error.
     */
    private static final class StrictListener implements ServerSentEventListener {

        private final ServerSentEventListener delegate;
        private final HttpUriRequestBase request;
        private volatile boolean failed;

        StrictListener(ServerSentEventListener delegate, HttpUriRequestBase request) {
            this.delegate = delegate;
            this.request = request;
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
                // Closing the connection ends the parse.
                request.cancel();
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

    private static HttpUriRequestBase toApache(HttpRequest request) {
        HttpUriRequestBase outgoing = new HttpUriRequestBase(request.method().name(), URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (!OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> outgoing.addHeader(name, value));
            }
        });
        String body = request.body();
        if (body != null) {
            // No content type of its own: the request's Content-Type header says it.
            outgoing.setEntity(new ByteArrayEntity(body.getBytes(StandardCharsets.UTF_8), null));
        }
        return outgoing;
    }

    private static Map<String, List<String>> headers(ClassicHttpResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : response.getHeaders()) {
            headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
        }
        return headers;
    }

    static Exchange current() {
        Exchange exchange = CURRENT.get();
        // Calls outside the gateway (health checks) get a throwaway exchange.
        return exchange != null ? exchange : new Exchange();
    }

    /** The request, abortable through the current exchange; one outside the gateway gets a read timeout. */
    private Exchange attach(HttpUriRequestBase outgoing) {
        Exchange exchange = CURRENT.get();
        if (exchange == null) {
            exchange = new Exchange();
            outgoing.setConfig(unwatched);
        }
        exchange.attach(outgoing::cancel);
        return exchange;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY);
    }

    /** One model call's traffic, which can be cut off from any thread. */
    static final class Exchange {

        private volatile boolean cancelled;
        private volatile Runnable onCancel;
        /** Read no more often than this (0: read as the bytes come); set and used on the reading thread. */
        private long paceNanos;
        private long nextReadNanos;
        private Runnable beforePause;

        /**
         * From now on, read the reply at most once every {@code nanos}; before waiting for the
         * next read, {@code flush} is run (it passes on the tokens of the last read). Called on
         * the thread that reads the reply, from a callback of the parser.
         */
        void pace(long nanos, Runnable flush) {
            this.beforePause = flush;
            this.paceNanos = nanos;
            this.nextReadNanos = System.nanoTime() + nanos;
        }

        /** Before each socket read on the reading thread: a paced exchange flushes, then waits for its time. */
        void beforeRead() {
            if (paceNanos == 0) {
                return;
            }
            beforePause.run();
            long wait = nextReadNanos - System.nanoTime();
            if (wait > 0 && !cancelled) {
                LockSupport.parkNanos(wait);
            }
        }

        void afterRead() {
            if (paceNanos != 0) {
                nextReadNanos = System.nanoTime() + paceNanos;
            }
        }

        /** What cancelling does: abort the HTTP request, or stop the built-in engine generating. */
        void attach(Runnable action) {
            this.onCancel = action;
            if (cancelled) {
                action.run();
            }
        }

        /** Aborts the request or closes the stream; safe to call more than once and from any thread. */
        void cancel() {
            cancelled = true;
            Runnable action = onCancel;
            if (action != null) {
                action.run();
            }
        }

        boolean cancelled() {
            return cancelled;
        }
    }

    /** Connections over {@link PacedSocket}s (over TLS too: the TLS layer reads the plain socket under it). */
    private static final class PacedConnections extends PoolingHttpClientConnectionManagerBuilder {

        @Override
        protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver ports, DnsResolver dns,
                TlsSocketStrategy tls) {
            return new DefaultHttpClientConnectionOperator(proxy -> proxy == null ? new PacedSocket() : new PacedSocket(proxy),
                    ports, dns, RegistryBuilder.<TlsSocketStrategy>create().register(URIScheme.HTTPS.id, tls).build());
        }
    }

    /** A socket whose reads keep the pace of the exchange being read on the current thread, if any. */
    private static final class PacedSocket extends Socket {

        private InputStream input;

        PacedSocket() {
        }

        PacedSocket(Proxy proxy) {
            super(proxy);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        Exchange exchange = CURRENT.get();
                        if (exchange != null) {
                            exchange.beforeRead();
                        }
                        int value = super.read();
                        if (exchange != null) {
                            exchange.afterRead();
                        }
                        return value;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        Exchange exchange = CURRENT.get();
                        if (exchange != null) {
                            exchange.beforeRead();
                        }
                        int count = super.read(buffer, offset, length);
                        if (exchange != null) {
                            exchange.afterRead();
                        }
                        return count;
                    }
                };
            }
            return input;
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
