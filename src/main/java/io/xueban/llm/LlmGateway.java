package io.xueban.llm;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.output.JsonSchemas;

/**
 * Every model call goes through here. Calls wait in a {@link FairQueue} until a backend serving
 * their role has a free slot; no backend ever gets more calls at once than its slots. A call
 * that would wait past its deadline is refused at once (429 with Retry-After). Failures before
 * the first token are retried with jittered backoff, on the least loaded healthy backend; a
 * backend that keeps failing is skipped for a while (circuit breaker). Cancelling a call aborts
 * its upstream request and frees the slot at once.
 *
 * <p>The lock guards the queue, slot counts and breakers only; no I/O happens under it.
 */
public class LlmGateway {

    private static final Logger log = LoggerFactory.getLogger(LlmGateway.class);

    private final Backends backends;
    private final LlmSettings settings;
    private final GatewayMetrics metrics;
    private final UserRateLimiter rateLimiter;
    private final ResponseCache cache;
    private final StructuredOutput structured;
    private final PromptTemplates prompts;
    private final FairQueue<Pending> queue = new FairQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService timers;
    /**
     * Each call in flight is read and relayed on a platform thread of its own (there are at most as
     * many as the servers' slots, and the pool keeps them for the next calls). The OS schedules it
     * the moment its server sends a token, ahead of whatever is queued for the virtual threads: a
     * burst of new messages on a busy core does not hold up the replies already streaming.
     */
    private final ExecutorService callThreads =
            Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("llm-call-", 0).factory());
    private final Map<ModelRole, Ewma> callSeconds = new EnumMap<>(ModelRole.class);

    LlmGateway(Backends backends, LlmSettings settings, GatewayMetrics metrics, UserRateLimiter rateLimiter,
               ResponseCache cache, StructuredOutput structured, PromptTemplates prompts) {
        this.backends = backends;
        this.settings = settings;
        this.metrics = metrics;
        this.rateLimiter = rateLimiter;
        this.cache = cache;
        this.structured = structured;
        this.prompts = prompts;
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("llm-timers").factory());
        for (ModelRole role : ModelRole.values()) {
            callSeconds.put(role, new Ewma(settings.queue().expectedCallTime().toMillis() / 1000.0));
        }
        metrics.bind(this);
    }

    /**
     * Streams a reply into {@code sink}. Throws {@link LlmException} at once when the call cannot
     * be admitted (429: over the rate limit or the wait would pass the deadline; 503: no backend
     * can serve the role); later failures arrive at {@link TokenSink#onError}.
     */
    public CallHandle stream(LlmCall call, TokenSink sink) {
        return submit(call, null, sink);
    }

    /**
     * The whole reply as text, thinking removed. Deterministic calls (temperature 0) are answered
     * from the cache when they can, and identical ones in flight share one upstream call.
     */
    public String complete(LlmCall call) {
        return complete(call, null, "");
    }

    /**
     * A structured reply: the JSON schema of {@code type} is sent to the model, the reply parsed,
     * validated (Jakarta Validation, then {@code rules}, which list problems in words), and on a
     * problem the model is asked once more, quoting it. Throws {@link LlmException} (502) when the
     * second reply is no better.
     */
    public <T> T generate(LlmCall call, Class<T> type, Function<T, List<String>> rules) {
        return generate(call, type, rules, null);
    }

    /**
     * As {@link #generate(LlmCall, Class, Function)}, passing the first reply's tokens to
     * {@code tokens} as they arrive (for a progress display; the reply counts only once whole and
     * valid). A streamed call is never served from the cache.
     */
    public <T> T generate(LlmCall call, Class<T> type, Function<T, List<String>> rules, Consumer<String> tokens) {
        JsonSchema schema = JsonSchemas.jsonSchemaFrom(type)
                .orElseThrow(() -> new IllegalArgumentException("No JSON schema for " + type));
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build();
        String schemaKey = type.getName() + ":" + schema;
        String first = tokens == null ? complete(call, format, schemaKey) : callAndWait(call, format, tokens);
        StructuredOutput.Result<T> parsed = structured.parse(first, type, rules);
        if (parsed.problem() == null) {
            return parsed.value();
        }
        // An unusable reply is not served again from the cache.
        forget(call, schemaKey);
        metrics.repaired(call.role());
        List<ChatMessage> repair = new ArrayList<>(call.messages());
        repair.add(AiMessage.from(first));
        repair.add(UserMessage.from(prompts.render("llm/repair",
                Map.of("problem", parsed.problem(), "fields", StructuredOutput.describe(type)))));
        String second = complete(call.withMessages(repair), format, schemaKey);
        StructuredOutput.Result<T> reparsed = structured.parse(second, type, rules);
        if (reparsed.problem() != null) {
            forget(call.withMessages(repair), schemaKey);
            throw LlmException.invalidOutput(reparsed.problem());
        }
        return reparsed.value();
    }

    private void forget(LlmCall call, String schemaKey) {
        if (call.temperature() == 0) {
            cache.remove(ResponseCache.key(call.role(), modelsFor(call.role()), call.messages(), schemaKey));
        }
    }

    private String complete(LlmCall call, ResponseFormat format, String schemaKey) {
        if (call.temperature() != 0 || !call.tools().isEmpty()) {
            return callAndWait(call, format);
        }
        String key = ResponseCache.key(call.role(), modelsFor(call.role()), call.messages(), schemaKey);
        String hit = cache.get(key);
        if (hit != null) {
            metrics.cache("hit");
            return hit;
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> leader = cache.joinOrLead(key, mine);
        if (leader != null) {
            metrics.cache("coalesced");
            return await(leader, waitLimit(call));
        }
        metrics.cache("miss");
        try {
            String text = callAndWait(call, format);
            cache.put(key, text);
            mine.complete(text);
            return text;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            cache.done(key, mine);
        }
    }

    private String callAndWait(LlmCall call, ResponseFormat format) {
        return callAndWait(call, format, null);
    }

    private String callAndWait(LlmCall call, ResponseFormat format, Consumer<String> tokens) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        CallHandle handle = submit(call, format, new TokenSink() {
            @Override
            public void onToken(String token) {
                text.append(token);
                if (tokens != null) {
                    tokens.accept(token);
                }
            }

            @Override
            public void onComplete(Usage usage) {
                reply.complete(text.toString());
            }

            @Override
            public void onError(LlmException error) {
                reply.completeExceptionally(error);
            }
        });
        try {
            return await(reply, waitLimit(call));
        } catch (RuntimeException e) {
            handle.cancel();
            throw e;
        }
    }

    private Duration waitLimit(LlmCall call) {
        Duration deadline = call.deadline() != null ? call.deadline() : settings.queue().defaultDeadline();
        return deadline.plus(settings.timeouts().total());
    }

    /** The models that may answer a role, so that a cached reply is only reused for the same model. */
    private String modelsFor(ModelRole role) {
        return backends.serving(role).stream().map(b -> b.model(role)).distinct().sorted()
                .collect(Collectors.joining(","));
    }

    Pending submit(LlmCall call, ResponseFormat format, TokenSink sink) {
        if (call.priority() != Priority.BATCH) {
            long wait = rateLimiter.acquire(call.userId());
            if (wait > 0) {
                metrics.shed("rate-limit");
                throw LlmException.rateLimited(wait);
            }
        }
        long now = System.nanoTime();
        Duration deadline = call.deadline() != null ? call.deadline() : settings.queue().defaultDeadline();
        Pending pending = new Pending(this, call, format, sink, now, now + deadline.toNanos());
        List<Pending> starts;
        lock.lock();
        try {
            admit(pending, deadline);
            queue.add(pending);
            starts = dispatch();
        } finally {
            lock.unlock();
        }
        boolean queued;
        synchronized (pending) {
            queued = pending.state == Pending.State.QUEUED;
            if (queued) {
                pending.queueTimer = timers.schedule(() -> expire(pending), deadline.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        launch(starts);
        // Tell the client it waits, unless a slot came free in the meantime (then "start" says it).
        if (queued && pending.state == Pending.State.QUEUED) {
            try {
                sink.onQueued(pending.aheadAtAdmission, (long) (pending.estimatedWaitSeconds * 1000));
            } catch (RuntimeException clientGone) {
                cancel(pending);
            }
        }
        return pending;
    }

    /**
     * Refuses at once, as {@link #stream} would, a call of this kind that could not be admitted
     * now (429: over the rate limit, too many queued, or its wait would pass the deadline; 503:
     * no backend can serve the role), without taking anything from the rate limit or the queue.
     * A caller asks before it writes anything or builds a prompt, so a refused request costs
     * almost nothing and leaves nothing behind. {@link #stream} still decides for itself.
     */
    public void checkAdmissible(ModelRole role, Priority priority, long userId, Duration deadline) {
        if (priority != Priority.BATCH) {
            long wait = rateLimiter.waitSeconds(userId);
            if (wait > 0) {
                metrics.shed("rate-limit");
                throw LlmException.rateLimited(wait);
            }
        }
        lock.lock();
        try {
            estimateAdmission(role, priority, userId, deadline == null ? settings.queue().defaultDeadline() : deadline);
        } finally {
            lock.unlock();
        }
    }

    /** Refuses a call that cannot be served in time (under the lock). */
    private void admit(Pending pending, Duration deadline) {
        Estimate estimate = estimateAdmission(pending.role(), pending.priority(), pending.userId(), deadline);
        pending.aheadAtAdmission = estimate.ahead();
        pending.estimatedWaitSeconds = estimate.waitSeconds();
    }

    private record Estimate(int ahead, double waitSeconds) {
    }

    /** The calls ahead and the estimated wait of a call of this kind, or the refusal (under the lock). */
    private Estimate estimateAdmission(ModelRole role, Priority priority, long userId, Duration deadline) {
        List<Backend> serving = backends.serving(role);
        if (serving.isEmpty()) {
            metrics.shed("no-backend");
            throw LlmException.unavailable(role.key(), "none", "configure xueban.llm.backends with a model for " + role.key());
        }
        List<Backend> usable = serving.stream()
                .filter(b -> b.health().usableFor(b.model(role)) && !b.breaker.isOpen())
                .toList();
        if (usable.isEmpty()) {
            metrics.shed("unavailable");
            throw LlmException.unavailable(role.key(),
                    serving.stream().map(b -> b.name + " (" + b.baseUrl + ")").collect(Collectors.joining(", ")),
                    serving.stream().map(backends::howToStart).distinct().collect(Collectors.joining("; ")));
        }
        int ahead = queue.ahead(priority, userId, role);
        double wait = estimateWaitSeconds(role, ahead, usable);
        if (queue.size() >= settings.queue().maxLength()) {
            metrics.shed("queue-full");
            throw LlmException.overloaded(retryAfterSeconds(wait));
        }
        if (queue.queuedBy(priority, userId) >= settings.queue().maxPerUser()) {
            metrics.shed("per-user");
            throw LlmException.tooManyQueued(settings.queue().maxPerUser());
        }
        if (wait > deadline.toMillis() / 1000.0) {
            metrics.shed("deadline");
            throw LlmException.overloaded(retryAfterSeconds(wait));
        }
        return new Estimate(ahead, wait);
    }

    /** How long a call would wait for a slot: the calls ahead of it, served in waves of all slots. */
    private double estimateWaitSeconds(ModelRole role, int ahead, List<Backend> usable) {
        int slots = usable.stream().mapToInt(b -> b.slots).sum();
        int free = usable.stream().mapToInt(b -> Math.max(0, b.freeSlots())).sum();
        if (ahead < free) {
            return 0;
        }
        int waves = (ahead - free) / slots + 1;
        return waves * callSeconds.get(role).value();
    }

    private static long retryAfterSeconds(double waitSeconds) {
        return Math.max(1, (long) Math.ceil(waitSeconds));
    }

    /** Hands free slots to queued calls, least loaded backend first (under the lock). */
    private List<Pending> dispatch() {
        List<Pending> starts = new ArrayList<>();
        List<Backend> order = new ArrayList<>(backends.all());
        boolean progress = true;
        while (progress && queue.size() > 0) {
            progress = false;
            order.sort(Comparator.comparingInt(Backend::freeSlots).reversed());
            for (Backend backend : order) {
                if (backend.freeSlots() <= 0 || !backend.breaker.allows()) {
                    continue;
                }
                Pending next = queue.poll(backend::canTake);
                if (next != null) {
                    backend.inFlight++;
                    backend.breaker.started();
                    next.backend = backend;
                    next.holdsSlot = true;
                    next.state = Pending.State.RUNNING;
                    starts.add(next);
                    progress = true;
                }
            }
        }
        return starts;
    }

    private void launch(List<Pending> starts) {
        for (Pending pending : starts) {
            callThreads.execute(() -> run(pending));
        }
    }

    private void run(Pending pending) {
        int attempt;
        Backend backend;
        CancellableHttpClient.Exchange exchange;
        synchronized (pending) {
            if (pending.state != Pending.State.RUNNING) {
                return;
            }
            attempt = pending.attempt;
            backend = pending.backend;
            exchange = pending.exchange;
            pending.startedNanos = System.nanoTime();
            if (pending.queueTimer != null) {
                pending.queueTimer.cancel(false);
            }
            pending.firstTokenTimer = timers.schedule(
                    () -> fail(pending, attempt, LlmException.timeout("first token from " + backend.name)),
                    settings.timeouts().firstToken().toNanos(), TimeUnit.NANOSECONDS);
            pending.totalTimer = timers.schedule(
                    () -> fail(pending, attempt, LlmException.failed(backend.name, "total time limit reached", false)),
                    settings.timeouts().total().toNanos(), TimeUnit.NANOSECONDS);
        }
        long queueMillis = (pending.startedNanos - pending.submittedNanos) / 1_000_000;
        metrics.queueWait(pending.priority(), pending.startedNanos - pending.submittedNanos);
        if (attempt == 1) {
            try {
                pending.sink.onStart(queueMillis);
            } catch (RuntimeException clientGone) {
                cancel(pending);
                return;
            }
        }
        ModelRole role = pending.role();
        var parameters = ChatRequestParameters.builder().temperature(pending.call.temperature());
        if (pending.call.maxTokens() != null) {
            parameters.maxOutputTokens(pending.call.maxTokens());
        }
        if (pending.format != null) {
            parameters.responseFormat(pending.format);
        }
        if (!pending.call.tools().isEmpty()) {
            parameters.toolSpecifications(pending.call.tools());
        }
        ChatRequest request = ChatRequest.builder().messages(pending.call.messages()).parameters(parameters.build()).build();
        try {
            CancellableHttpClient.within(exchange,
                    () -> backend.chatModel(role).chat(request, new Handler(pending, attempt)));
        } catch (RuntimeException e) {
            fail(pending, attempt, e);
        }
    }

    /** Callbacks of one attempt; callbacks of an attempt that was given up are ignored. */
    private final class Handler implements StreamingChatResponseHandler {

        private final Pending pending;
        private final int attempt;

        Handler(Pending pending, int attempt) {
            this.pending = pending;
            this.attempt = attempt;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            onPartialResponse(partial.text());
        }

        @Override
        public void onPartialResponse(String token) {
            String visible;
            synchronized (pending) {
                if (pending.state != Pending.State.RUNNING || pending.attempt != attempt) {
                    return;
                }
                if (!pending.sawToken) {
                    pending.sawToken = true;
                    pending.firstTokenNanos = System.nanoTime();
                    pending.firstTokenTimer.cancel(false);
                    metrics.firstToken(pending.role(), pending.firstTokenNanos - pending.startedNanos);
                    long pace = pending.sink.paceNanos();
                    if (pace > 0) {
                        pending.exchange.pace(pace, this::flush);
                    }
                }
                visible = pending.filter.accept(token);
            }
            if (visible.isEmpty()) {
                return;
            }
            // Written outside the monitor: a slow client must not hold up a cancel or a timeout.
            // Tokens of one call arrive one after another from the same reader, so order holds.
            try {
                pending.sink.onToken(visible);
            } catch (RuntimeException clientGone) {
                cancel(pending);
            }
        }

        /** Between two paced reads: the sink passes on what the last read brought. */
        private void flush() {
            synchronized (pending) {
                if (pending.state != Pending.State.RUNNING || pending.attempt != attempt) {
                    return;
                }
            }
            try {
                pending.sink.flush();
            } catch (RuntimeException clientGone) {
                cancel(pending);
            }
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            complete(pending, attempt, response);
        }

        @Override
        public void onError(Throwable error) {
            fail(pending, attempt, error);
        }
    }

    private void complete(Pending pending, int attempt, ChatResponse response) {
        Usage usage;
        String tail;
        synchronized (pending) {
            if (pending.state != Pending.State.RUNNING || pending.attempt != attempt) {
                return;
            }
            tail = pending.filter.finish();
            pending.state = Pending.State.ENDED;
            pending.cancelTimers();
            long end = System.nanoTime();
            var tokens = response.tokenUsage();
            usage = new Usage(pending.backend.name, pending.backend.model(pending.role()),
                    tokens == null ? null : tokens.inputTokenCount(), tokens == null ? null : tokens.outputTokenCount(),
                    (pending.startedNanos - pending.submittedNanos) / 1_000_000,
                    pending.sawToken ? (pending.firstTokenNanos - pending.startedNanos) / 1_000_000 : -1,
                    (end - pending.startedNanos) / 1_000_000);
            metrics.completed(pending.role(), usage);
        }
        releaseSlot(pending, Outcome.SUCCESS);
        if (!tail.isEmpty()) {
            try {
                pending.sink.onToken(tail);
            } catch (RuntimeException clientGone) {
                return; // nobody left to tell
            }
        }
        if (response.aiMessage() != null && response.aiMessage().hasToolExecutionRequests()) {
            pending.sink.onToolCalls(response.aiMessage().toolExecutionRequests());
        }
        pending.sink.onComplete(usage);
    }

    private void fail(Pending pending, int attempt, Throwable error) {
        LlmException failure = classify(pending, error);
        boolean retry;
        CancellableHttpClient.Exchange abandoned;
        synchronized (pending) {
            if (pending.state != Pending.State.RUNNING || pending.attempt != attempt) {
                return;
            }
            abandoned = pending.exchange;
            pending.cancelTimers();
            long delayNanos = backoffNanos(attempt);
            retry = !pending.sawToken && failure.isTransient() && attempt < settings.retry().maxAttempts()
                    && System.nanoTime() + delayNanos < pending.deadlineNanos;
            if (retry) {
                pending.state = Pending.State.BACKOFF;
                pending.attempt = attempt + 1;
                pending.exchange = new CancellableHttpClient.Exchange();
                pending.filter = new ThinkTagFilter();
                timers.schedule(() -> requeue(pending), delayNanos, TimeUnit.NANOSECONDS);
            } else {
                pending.state = Pending.State.ENDED;
            }
        }
        // Outside the monitor and after the state changed: the callbacks this triggers are ignored.
        abandoned.cancel();
        log.debug("Call on {} failed (attempt {}): {}", pending.backend.name, attempt, error.toString());
        releaseSlot(pending, failure.isTransient() || isBackendFault(error) ? Outcome.BACKEND_FAILURE : Outcome.CALL_FAILURE);
        if (retry) {
            metrics.retried(pending.role());
        } else {
            metrics.failed(pending.role(), failure.code());
            pending.sink.onError(failure);
        }
    }

    private long backoffNanos(int attempt) {
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
        return (long) (settings.retry().backoff().toNanos() * Math.pow(2, attempt - 1) * jitter);
    }

    private void requeue(Pending pending) {
        List<Pending> starts;
        lock.lock();
        try {
            synchronized (pending) {
                if (pending.state != Pending.State.BACKOFF) {
                    return;
                }
                pending.state = Pending.State.QUEUED;
            }
            queue.addFirst(pending);
            starts = dispatch();
        } finally {
            lock.unlock();
        }
        synchronized (pending) {
            if (pending.state == Pending.State.QUEUED) {
                long left = pending.deadlineNanos - System.nanoTime();
                pending.queueTimer = timers.schedule(() -> expire(pending), Math.max(0, left), TimeUnit.NANOSECONDS);
            }
        }
        launch(starts);
    }

    /** The call waited in the queue until its deadline. */
    private void expire(Pending pending) {
        boolean removed;
        lock.lock();
        try {
            synchronized (pending) {
                if (pending.state != Pending.State.QUEUED) {
                    return;
                }
                removed = queue.remove(pending);
                pending.state = Pending.State.ENDED;
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            metrics.shed("expired");
            pending.sink.onError(LlmException.overloaded(retryAfterSeconds(callSeconds.get(pending.role()).value())));
        }
    }

    void cancel(Pending pending) {
        Pending.State was;
        CancellableHttpClient.Exchange exchange;
        synchronized (pending) {
            was = pending.state;
            if (was == Pending.State.ENDED) {
                return;
            }
            pending.state = Pending.State.ENDED;
            pending.cancelTimers();
            exchange = pending.exchange;
        }
        exchange.cancel();
        metrics.cancelled(pending.role());
        if (was == Pending.State.QUEUED) {
            lock.lock();
            try {
                queue.remove(pending);
            } finally {
                lock.unlock();
            }
        } else if (was == Pending.State.RUNNING) {
            releaseSlot(pending, Outcome.ABANDONED);
        }
    }

    private enum Outcome { SUCCESS, BACKEND_FAILURE, CALL_FAILURE, ABANDONED }

    /** Gives the call's slot back and lets the next call in (once per attempt). */
    private void releaseSlot(Pending pending, Outcome outcome) {
        List<Pending> starts;
        lock.lock();
        try {
            synchronized (pending) {
                if (!pending.holdsSlot) {
                    return;
                }
                pending.holdsSlot = false;
            }
            Backend backend = pending.backend;
            backend.inFlight--;
            switch (outcome) {
                case SUCCESS -> {
                    backend.breaker.succeeded();
                    callSeconds.get(pending.role()).add((System.nanoTime() - pending.startedNanos) / 1e9);
                }
                case BACKEND_FAILURE -> backend.breaker.failed();
                case CALL_FAILURE, ABANDONED -> backend.breaker.abandoned();
            }
            starts = dispatch();
        } finally {
            lock.unlock();
        }
        launch(starts);
    }

    private LlmException classify(Pending pending, Throwable error) {
        String backend = pending.backend == null ? "?" : pending.backend.name;
        boolean retriable = false;
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof LlmException llm) {
                return llm;
            }
            if (cause instanceof HttpException http) {
                int status = http.statusCode();
                if (status == 404) {
                    return modelMissing(pending);
                }
                boolean transientStatus = status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
                return LlmException.failed(backend, "HTTP " + status, transientStatus);
            }
            if (cause instanceof ModelNotFoundException) {
                return modelMissing(pending);
            }
            if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException) {
                return LlmException.failed(backend, "cannot connect: " + cause.getMessage(), true);
            }
            if (cause instanceof CancellationException) {
                return LlmException.failed(backend, "cancelled", false);
            }
            retriable |= cause instanceof RetriableException || cause instanceof java.io.IOException;
        }
        return LlmException.failed(backend, error.toString(), retriable);
    }

    private LlmException modelMissing(Pending pending) {
        return LlmException.unavailable(pending.role().key(), pending.backend.name,
                "the model " + pending.backend.model(pending.role()) + " is missing: " + backends.howToStart(pending.backend));
    }

    private static boolean isBackendFault(Throwable error) {
        return !(error instanceof LlmException llm) || llm.isTransient();
    }

    // --- for metrics and health

    int queueLength(Priority priority) {
        lock.lock();
        try {
            return queue.size(priority);
        } finally {
            lock.unlock();
        }
    }

    int inFlight(Backend backend) {
        lock.lock();
        try {
            return backend.inFlight;
        } finally {
            lock.unlock();
        }
    }

    Backends backends() {
        return backends;
    }

    /** Blocks until the call ends; for the non-streaming entry points. */
    static String await(CompletableFuture<String> reply, Duration limit) {
        try {
            return reply.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LlmException.timeout("interrupted");
        } catch (java.util.concurrent.TimeoutException e) {
            throw LlmException.timeout("the reply");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof LlmException llm) {
                throw llm;
            }
            throw LlmException.failed("?", e.getCause().toString(), false);
        }
    }

    void shutdown() {
        timers.shutdownNow();
        callThreads.shutdownNow();
    }

    /** Exponentially weighted moving average of how long calls hold a slot. */
    private static final class Ewma {

        private static final double WEIGHT = 0.1;
        private double value;

        Ewma(double initial) {
            this.value = initial;
        }

        void add(double sample) {
            value = value + WEIGHT * (sample - value);
        }

        double value() {
            return value;
        }
    }
}
