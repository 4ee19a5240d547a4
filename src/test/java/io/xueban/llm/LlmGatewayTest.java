package io.xueban.llm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.UserMessage;

import static io.xueban.llm.TestGateways.call;
import static io.xueban.llm.TestGateways.gateway;
import static io.xueban.llm.TestGateways.ollama;
import static io.xueban.llm.TestGateways.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmGatewayTest {

    private ScriptedModelServer server;
    private LlmGateway gateway;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedModelServer().parallel(4).firstTokenMillis(20).tokensPerSecond(200).replyTokens(5);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.shutdown();
        }
        server.close();
    }

    @Test
    void neverSendsABackendMoreCallsThanItsSlots() throws Exception {
        gateway = gateway(settings(List.of(ollama("a", server, 4))));
        List<TestGateways.Recorder> calls = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            TestGateways.Recorder recorder = new TestGateways.Recorder();
            calls.add(recorder);
            long user = i;
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    // A generous deadline: this test is about slots, not about shedding.
                    gateway.stream(call(user, Priority.STUDENT, "你好").withDeadline(Duration.ofMinutes(5)), recorder);
                } catch (RuntimeException e) {
                    refused.add(e);
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        assertThat(refused).isEmpty();
        for (TestGateways.Recorder call : calls) {
            assertThat(call.done.get(30, TimeUnit.SECONDS).outputTokens()).isEqualTo(5);
            assertThat(call.text()).isEqualTo("字字字字字");
        }
        assertThat(server.maxInFlight()).isEqualTo(4);
        assertThat(server.rejectedOverLimit()).isZero();
        assertThat(server.requests()).isEqualTo(200);
    }

    @Test
    void usersTakeTurnsSoOneBusyUserDoesNotHoldUpAnother() throws Exception {
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        List<String> order = new CopyOnWriteArrayList<>();
        List<TestGateways.Recorder> calls = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            calls.add(submit(1, Priority.STUDENT, order, "A" + i));
        }
        calls.add(submit(2, Priority.STUDENT, order, "B1"));
        for (TestGateways.Recorder call : calls) {
            call.done.get(10, TimeUnit.SECONDS);
        }
        // A1 was already running; then A and B alternate while both wait.
        assertThat(order.subList(0, 4)).containsExactly("A1", "A2", "B1", "A3");
    }

    @Test
    void teacherCallsGoBeforeStudentsAndBatch() throws Exception {
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        List<String> order = new CopyOnWriteArrayList<>();
        List<TestGateways.Recorder> calls = new ArrayList<>();
        calls.add(submit(1, Priority.STUDENT, order, "first"));
        calls.add(submit(2, Priority.BATCH, order, "batch"));
        calls.add(submit(3, Priority.STUDENT, order, "student"));
        calls.add(submit(4, Priority.TEACHER, order, "teacher"));
        for (TestGateways.Recorder call : calls) {
            call.done.get(10, TimeUnit.SECONDS);
        }
        assertThat(order).containsExactly("first", "teacher", "student", "batch");
    }

    @Test
    void aTeacherArrivingBehindManyQueuedStudentsGetsTheNextFreeSlot() throws Exception {
        server.firstTokenMillis(20).tokensPerSecond(10).replyTokens(5).parallel(8); // about 0.5 s a call
        var base = settings(List.of(ollama("a", server, 8)));
        gateway = gateway(TestGateways.with(base, new LlmSettings.Queue(1000, 50, Duration.ofMillis(500), Duration.ofSeconds(30))));
        List<String> order = new CopyOnWriteArrayList<>();
        List<TestGateways.Recorder> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add(submit(i, Priority.STUDENT, order, "s" + i));
        }
        Thread.sleep(100);
        TestGateways.Recorder teacher = submit(100, Priority.TEACHER, order, "teacher");
        calls.add(teacher);
        for (TestGateways.Recorder call : calls) {
            call.done.get(20, TimeUnit.SECONDS);
        }
        // Eight students were running; the teacher takes one of the first slots that free up, long
        // before the students who were queued ahead of it.
        assertThat(order.indexOf("teacher")).isLessThan(16);
        assertThat(teacher.started.get()).isLessThan(calls.get(20).started.get());
    }

    @Test
    void refusesAtOnceWithRetryAfterWhenTheWaitWouldPassTheDeadline() throws Exception {
        server.firstTokenMillis(2000);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        for (int user = 1; user <= 5; user++) {
            gateway.stream(call(user, Priority.STUDENT, "long"), new TestGateways.Recorder());
        }

        // Four calls wait for the one slot; each is expected to hold it about 100 ms.
        long start = System.nanoTime();
        LlmCall impatient = call(9, Priority.STUDENT, "impatient").withDeadline(Duration.ofMillis(300));
        assertThatThrownBy(() -> gateway.stream(impatient, new TestGateways.Recorder()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.code()).isEqualTo("llm-overloaded");
                    assertThat(e.status().value()).isEqualTo(429);
                    assertThat((Long) e.properties().get("retryAfterSeconds")).isPositive();
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
        // Refused without taking a place in the queue.
        assertThat(gateway.queueLength(Priority.STUDENT)).isEqualTo(4);
    }

    @Test
    void aCallThatMustWaitIsToldHowLongAtOnce() throws Exception {
        server.firstTokenMillis(500);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        TestGateways.Recorder running = new TestGateways.Recorder();
        gateway.stream(call(1, Priority.STUDENT, "first"), running);
        TestGateways.Recorder waiting = new TestGateways.Recorder();
        gateway.stream(call(2, Priority.STUDENT, "second"), waiting);

        assertThat(running.queued).isNull();
        assertThat(waiting.queued).isNotNull();
        assertThat(waiting.queued[0]).isZero(); // nobody else ahead in the queue
        assertThat(waiting.queued[1]).isPositive(); // but the running call holds the only slot
        assertThat(waiting.done.get(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void perUserRateLimitAnswers429() {
        var base = settings(List.of(ollama("a", server, 2)));
        gateway = gateway(TestGateways.with(base, new LlmSettings.RateLimit(2)));
        gateway.stream(call(1, Priority.STUDENT, "1"), new TestGateways.Recorder());
        gateway.stream(call(1, Priority.STUDENT, "2"), new TestGateways.Recorder());
        assertThatThrownBy(() -> gateway.stream(call(1, Priority.STUDENT, "3"), new TestGateways.Recorder()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.code()).isEqualTo("llm-rate-limited"));
        // Another user is not affected.
        gateway.stream(call(2, Priority.STUDENT, "1"), new TestGateways.Recorder());
    }

    @Test
    void cancellingFreesTheSlotAndAbortsTheUpstreamRequestAtOnce() throws Exception {
        server.tokensPerSecond(2).replyTokens(100);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        TestGateways.Recorder first = new TestGateways.Recorder();
        CallHandle handle = gateway.stream(call(1, Priority.STUDENT, "slow"), first);
        eventually(() -> !first.tokens.isEmpty(), 2000);
        TestGateways.Recorder next = new TestGateways.Recorder();
        gateway.stream(call(2, Priority.STUDENT, "next"), next);

        long start = System.nanoTime();
        handle.cancel();
        eventually(() -> next.startedNanos != 0, 500);
        assertThat((next.startedNanos - start) / 1_000_000).isLessThan(500);
        eventually(() -> server.hangUps() == 1, 500);
        assertThat(server.rejectedOverLimit()).isZero();
        assertThat(first.done).isNotDone();
    }

    @Test
    void cancellingBeforeTheFirstTokenAlsoAbortsUpstream() throws Exception {
        server.firstTokenMillis(5000);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        TestGateways.Recorder waiting = new TestGateways.Recorder();
        CallHandle handle = gateway.stream(call(1, Priority.STUDENT, "thinking a long time"), waiting);
        eventually(() -> server.inFlight() == 1, 2000);
        handle.cancel();
        eventually(() -> server.inFlight() == 0, 500);
        assertThat(gateway.inFlight(gateway.backends().all().getFirst())).isZero();
    }

    @Test
    void transientFailuresBeforeTheFirstTokenAreRetried() throws Exception {
        server.fault(ScriptedModelServer.Fault.ERROR_503, 2);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        TestGateways.Recorder call = new TestGateways.Recorder();
        gateway.stream(call(1, Priority.STUDENT, "retry me"), call);
        assertThat(call.done.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void aStalledServerIsGivenUpOnAfterTheFirstTokenTimeoutAndTriedAgain() throws Exception {
        server.fault(ScriptedModelServer.Fault.STALL, 1);
        var base = settings(List.of(ollama("a", server, 1)));
        gateway = gateway(TestGateways.with(base,
                new LlmSettings.Timeouts(Duration.ofMillis(500), Duration.ofMillis(300), Duration.ofSeconds(10))));
        TestGateways.Recorder call = new TestGateways.Recorder();
        gateway.stream(call(1, Priority.STUDENT, "stall"), call);
        assertThat(call.done.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(server.requests()).isEqualTo(2);
        eventually(() -> server.inFlight() == 0, 1000);
    }

    @Test
    void aStreamCutAfterTheFirstTokenIsAnErrorNotARetry() throws Exception {
        server.fault(ScriptedModelServer.Fault.CUT_MID_STREAM, 1).replyTokens(10);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        TestGateways.Recorder call = new TestGateways.Recorder();
        gateway.stream(call(1, Priority.STUDENT, "cut"), call);
        assertThatThrownBy(() -> call.done.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LlmException.class);
        assertThat(call.text()).isEqualTo("字字字字字");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void malformedStreamIsAnError() throws Exception {
        server.fault(ScriptedModelServer.Fault.MALFORMED_JSON, 1).replyTokens(10);
        gateway = gateway(settings(List.of(ollama("a", server, 1))));
        TestGateways.Recorder call = new TestGateways.Recorder();
        gateway.stream(call(1, Priority.STUDENT, "garbage"), call);
        assertThatThrownBy(() -> call.done.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LlmException.class);
    }

    @Test
    void breakerOpensAfterRepeatedFailuresAndClosesAfterASuccessfulTrial() throws Exception {
        server.fault(ScriptedModelServer.Fault.ERROR_500, 3);
        var base = settings(List.of(ollama("a", server, 1)));
        gateway = gateway(TestGateways.with(base, new LlmSettings.Retry(1, Duration.ofMillis(10))));
        for (int i = 0; i < 3; i++) {
            TestGateways.Recorder failing = new TestGateways.Recorder();
            gateway.stream(call(i, Priority.STUDENT, "fail"), failing);
            assertThatThrownBy(() -> failing.done.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(LlmException.class);
        }
        assertThatThrownBy(() -> gateway.stream(call(9, Priority.STUDENT, "refused"), new TestGateways.Recorder()))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.code()).isEqualTo("llm-unavailable"));
        assertThat(server.requests()).isEqualTo(3);

        Thread.sleep(600);
        TestGateways.Recorder trial = new TestGateways.Recorder();
        gateway.stream(call(10, Priority.STUDENT, "trial"), trial);
        assertThat(trial.done.get(5, TimeUnit.SECONDS)).isNotNull();
        TestGateways.Recorder after = new TestGateways.Recorder();
        gateway.stream(call(11, Priority.STUDENT, "after"), after);
        assertThat(after.done.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void failsOverToAnotherBackendOfTheSameRole() throws Exception {
        try (ScriptedModelServer second = new ScriptedModelServer().firstTokenMillis(10).replyTokens(3)) {
            server.fault(ScriptedModelServer.Fault.REFUSE, 100);
            var base = settings(List.of(ollama("a", server, 1), ollama("b", second, 1)));
            gateway = gateway(base);
            List<TestGateways.Recorder> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TestGateways.Recorder call = new TestGateways.Recorder();
                calls.add(call);
                gateway.stream(call(i, Priority.STUDENT, "any"), call);
            }
            for (TestGateways.Recorder call : calls) {
                assertThat(call.done.get(10, TimeUnit.SECONDS).backend()).isEqualTo("b");
            }
        }
    }

    @Test
    void thinkingIsNeverPassedOn() throws Exception {
        server.when("inline", ScriptedModelServer.Reply.of("<think>先算 3+2</think>\n\n答案是 5。"))
                .when("field", new ScriptedModelServer.Reply("答案是 7。", "先算 3+4"));
        gateway = gateway(settings(List.of(ollama("a", server, 2))));
        TestGateways.Recorder inline = new TestGateways.Recorder();
        TestGateways.Recorder field = new TestGateways.Recorder();
        gateway.stream(reasoning(1, "inline"), inline);
        gateway.stream(reasoning(2, "field"), field);
        inline.done.get(5, TimeUnit.SECONDS);
        field.done.get(5, TimeUnit.SECONDS);
        assertThat(inline.text()).isEqualTo("答案是 5。");
        assertThat(field.text()).isEqualTo("答案是 7。");
        assertThat(gateway.complete(reasoning(3, "inline"))).isEqualTo("答案是 5。");
    }

    record Exercise(@NotBlank String title, @Min(1) @Max(120) int minutes) {
    }

    @Test
    void structuredOutputIsRepairedOnceWithTheProblemQuoted() {
        server.when("不符合要求", ScriptedModelServer.Reply.of("{\"title\": \"勾股定理练习\", \"minutes\": 15}"))
                .when("出一道题", ScriptedModelServer.Reply.of("```json\n{\"title\": \"勾股定理练习\", \"minutes\": 500,}\n```"));
        gateway = gateway(settings(List.of(ollama("a", server, 2))));

        Exercise exercise = gateway.generate(call(1, Priority.TEACHER, "出一道题"), Exercise.class, null);

        assertThat(exercise).isEqualTo(new Exercise("勾股定理练习", 15));
        // The schema went to Ollama as "format".
        var format = server.chatRequests().getFirst().get("format");
        assertThat(format.get("type").asString()).isEqualTo("object");
        assertThat(format.get("properties").has("title")).isTrue();
        assertThat(format.get("properties").has("minutes")).isTrue();
        assertThat(server.prompts()).hasSize(2);
        assertThat(server.prompts().get(1)).contains("minutes").contains("120").contains("title (String), minutes (int)");
    }

    @Test
    void structuredOutputThatStaysWrongIsRejectedClearly() {
        server.when("", ScriptedModelServer.Reply.of("我不会输出 JSON。"));
        gateway = gateway(settings(List.of(ollama("a", server, 2))));
        assertThatThrownBy(() -> gateway.generate(call(1, Priority.TEACHER, "出一道题"), Exercise.class, null))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.code()).isEqualTo("llm-invalid-output");
                    assertThat(e.status().value()).isEqualTo(502);
                });
        assertThat(server.prompts()).hasSize(2);
    }

    @Test
    void customRulesTakePartInTheRepair() {
        server.when("不符合要求", ScriptedModelServer.Reply.of("{\"title\": \"勾股定理\", \"minutes\": 40}"))
                .when("", ScriptedModelServer.Reply.of("{\"title\": \"勾股定理\", \"minutes\": 45}"));
        gateway = gateway(settings(List.of(ollama("a", server, 2))));
        Exercise exercise = gateway.generate(call(1, Priority.TEACHER, "一节课"), Exercise.class,
                e -> e.minutes() == 40 ? List.of() : List.of("minutes must equal the lesson length, 40"));
        assertThat(exercise.minutes()).isEqualTo(40);
        assertThat(server.prompts().get(1)).contains("minutes must equal the lesson length, 40");
    }

    @Test
    void deterministicCallsAreCachedAndIdenticalOnesInFlightShareOneUpstreamCall() throws Exception {
        server.firstTokenMillis(300);
        gateway = gateway(settings(List.of(ollama("a", server, 4))));
        LlmCall deterministic = call(1, Priority.TEACHER, "同一个问题").withTemperature(0);
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replies.add(CompletableFuture.supplyAsync(() -> gateway.complete(deterministic)));
        }
        for (CompletableFuture<String> reply : replies) {
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("字字字字字");
        }
        assertThat(gateway.complete(deterministic)).isEqualTo("字字字字字");
        assertThat(server.requests()).isEqualTo(1);

        gateway.complete(deterministic.withTemperature(0.7));
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void aDeterministicReplyThatFailedValidationIsNotServedAgainFromTheCache() {
        server.when("", ScriptedModelServer.Reply.of("{\"title\": \"勾股定理\", \"minutes\": 45}"));
        gateway = gateway(settings(List.of(ollama("a", server, 2))));
        LlmCall deterministic = call(1, Priority.TEACHER, "一节课").withTemperature(0);
        Function<Exercise, List<String>> fortyMinutes =
                e -> e.minutes() == 40 ? List.of() : List.of("minutes must equal the lesson length, 40");
        assertThatThrownBy(() -> gateway.generate(deterministic, Exercise.class, fortyMinutes))
                .isInstanceOf(LlmException.class);
        assertThat(server.requests()).isEqualTo(2);

        // The model does better now: the same call reaches it instead of the cached failures.
        server.reset();
        server.when("", ScriptedModelServer.Reply.of("{\"title\": \"勾股定理\", \"minutes\": 40}"));
        assertThat(gateway.generate(deterministic, Exercise.class, fortyMinutes).minutes()).isEqualTo(40);
        assertThat(server.requests()).isEqualTo(1);
        // A good reply is cached as before.
        gateway.generate(deterministic, Exercise.class, fortyMinutes);
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void noReachableBackendIsA503ThatSaysWhatToDo() throws Exception {
        int port;
        try (ScriptedModelServer gone = new ScriptedModelServer()) {
            port = gone.port();
        }
        var settings = settings(List.of(new LlmSettings.BackendSettings("local", "ollama",
                "http://127.0.0.1:" + port, null, 2, java.util.Map.of())));
        gateway = gateway(settings);
        assertThatThrownBy(() -> gateway.stream(call(1, Priority.TEACHER, "hi"), new TestGateways.Recorder()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(503);
                    assertThat(e.code()).isEqualTo("llm-unavailable");
                    assertThat(e.args()[1].toString()).contains("local").contains("127.0.0.1:" + port);
                    assertThat(e.args()[2].toString()).contains("start Ollama").contains("ollama pull qwen2.5:7b");
                });
    }

    @Test
    void aServerWithoutTheModelSaysWhichToPull() {
        server.models("llama3:8b");
        gateway = gateway(settings(List.of(ollama("a", server, 2))));
        assertThatThrownBy(() -> gateway.stream(call(1, Priority.TEACHER, "hi"), new TestGateways.Recorder()))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.args()[2].toString()).contains("ollama pull qwen2.5:7b"));
    }

    @Test
    void openAiCompatibleServersWorkTheSameWay() throws Exception {
        server.when("inline", ScriptedModelServer.Reply.of("<think>嗯</think>好的。"))
                .when("json", ScriptedModelServer.Reply.of("{\"title\": \"勾股定理\", \"minutes\": 5}"));
        gateway = gateway(settings(List.of(TestGateways.openAi("vllm", server, 2))));
        TestGateways.Recorder call = new TestGateways.Recorder();
        gateway.stream(call(1, Priority.TEACHER, "inline"), call);
        Usage usage = call.done.get(5, TimeUnit.SECONDS);
        assertThat(call.text()).isEqualTo("好的。");
        assertThat(usage.backend()).isEqualTo("vllm");
        assertThat(gateway.generate(call(2, Priority.TEACHER, "json"), Exercise.class, null))
                .isEqualTo(new Exercise("勾股定理", 5));
        // ...and to OpenAI-compatible servers as response_format with a JSON schema.
        var format = server.chatRequests().getLast().get("response_format");
        assertThat(format.get("type").asString()).isEqualTo("json_schema");
        assertThat(format.get("json_schema").get("schema").get("properties").has("minutes")).isTrue();
    }

    @Test
    void aSinkThatPacesGetsTheTokensOfEachIntervalFromOneReadThenAFlush() throws Exception {
        server.tokensPerSecond(100).replyTokens(40);
        for (var backend : List.of(ollama("ollama", server, 1), TestGateways.openAi("vllm", server, 1))) {
            gateway = gateway(settings(List.of(backend)));
            Paced sink = new Paced(Duration.ofMillis(100));
            gateway.stream(call(1, Priority.STUDENT, "paced " + backend.name()), sink);
            sink.done.get(5, TimeUnit.SECONDS);
            assertThat(sink.text()).as(backend.name()).isEqualTo("字".repeat(40));
            // 40 tokens 10 ms apart, read every 100 ms: about 4 reads, each followed by a flush.
            // Read as they come, every token would be a read and a flush of its own.
            assertThat(sink.batches).as(backend.name()).hasSizeBetween(2, 8);
            assertThat(sink.batches.stream().mapToInt(Integer::intValue).max().orElse(0)).as(backend.name())
                    .isGreaterThanOrEqualTo(5);
            gateway.shutdown();
            gateway = null;
        }
    }

    /** A sink writing every {@code pace}: counts the tokens each flush passes on. */
    private static final class Paced extends TestGateways.Recorder {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        private final long paceNanos;
        private int waiting;

        Paced(Duration pace) {
            this.paceNanos = pace.toNanos();
        }

        @Override
        public synchronized void onToken(String token) {
            super.onToken(token);
            waiting++;
        }

        @Override
        public long paceNanos() {
            return paceNanos;
        }

        @Override
        public synchronized void flush() {
            if (waiting > 0) {
                batches.add(waiting);
                waiting = 0;
            }
        }
    }

    private TestGateways.Recorder submit(long user, Priority priority, List<String> order, String label) {
        TestGateways.Recorder recorder = new TestGateways.Recorder(order, label);
        gateway.stream(call(user, priority, label), recorder);
        return recorder;
    }

    private static LlmCall reasoning(long user, String prompt) {
        return new LlmCall(ModelRole.REASONING, Priority.TEACHER, user, null, Duration.ofSeconds(10),
                List.of(UserMessage.from(prompt)), 0, null);
    }

    static void eventually(BooleanSupplier condition, long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within " + millis + " ms");
            }
            Thread.sleep(5);
        }
    }

}
