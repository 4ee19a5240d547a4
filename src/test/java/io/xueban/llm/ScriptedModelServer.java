package io.xueban.llm;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A test double of a model server: speaks enough of the Ollama API ({@code /api/chat} streamed
 * as NDJSON or not, {@code /api/tags}) and of the OpenAI API ({@code /v1/chat/completions} with
 * SSE, {@code /v1/models}) for LangChain4j's clients, with scripted replies, a configurable time
 * to first token and token rate, its own parallel limit (it answers 503 beyond it, as Ollama does
 * when its queue is full) and fault modes. Like a real server it notices a client that hangs up
 * at once and frees the slot. Plain sockets and one virtual thread per connection.
 *
 * <p>Never wired into the application: tests and the benchmark start it themselves.
 */
public final class ScriptedModelServer implements AutoCloseable {

    public enum Fault { NONE, STALL, CUT_MID_STREAM, MALFORMED_JSON, ERROR_503, ERROR_500, REFUSE }

    /** A scripted reply: {@code thinking} goes to Ollama's thinking field, {@code text} to the content. */
    public record Reply(String text, String thinking, List<ToolCall> toolCalls) {
        /** In a reply's text, stands for the request's system prompt (a model that gives its instructions away). */
        public static final String SYSTEM_PROMPT = "{{system}}";

        public Reply(String text, String thinking) {
            this(text, thinking, List.of());
        }

        public static Reply of(String text) {
            return new Reply(text, null);
        }

        /** A reply that asks for a tool to be run, with arguments as a JSON object. */
        public static Reply callTool(String name, String argumentsJson) {
            return new Reply("", null, List.of(new ToolCall(name, argumentsJson)));
        }
    }

    public record ToolCall(String name, String argumentsJson) {
    }

    private record Rule(Predicate<String> matches, Reply reply) {
    }

    private final JsonMapper json = JsonMapper.builder().build();
    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> prompts = new CopyOnWriteArrayList<>();
    private final List<JsonNode> chatRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger hangUps = new AtomicInteger();
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean running = true;

    private volatile int parallel = 4;
    private volatile long firstTokenMillis = 50;
    private volatile double tokensPerSecond = 200;
    private volatile int defaultReplyTokens = 20;
    private volatile List<String> models = List.of("qwen2.5:7b", "deepseek-r1:8b", "qwen2.5vl:7b");
    private volatile Fault fault = Fault.NONE;

    public ScriptedModelServer() throws IOException {
        this(0);
    }

    public ScriptedModelServer(int port) throws IOException {
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        acceptor = Thread.ofPlatform().daemon().name("scripted-model-server").start(this::acceptLoop);
    }

    // --- configuration

    public ScriptedModelServer parallel(int value) {
        parallel = value;
        return this;
    }

    public ScriptedModelServer firstTokenMillis(long value) {
        firstTokenMillis = value;
        return this;
    }

    public ScriptedModelServer tokensPerSecond(double value) {
        tokensPerSecond = value;
        return this;
    }

    public ScriptedModelServer replyTokens(int value) {
        defaultReplyTokens = value;
        return this;
    }

    public ScriptedModelServer models(String... names) {
        models = List.of(names);
        return this;
    }

    /** Replies {@code reply} when the last user message contains {@code fragment}. */
    public ScriptedModelServer when(String fragment, Reply reply) {
        rules.add(new Rule(prompt -> prompt.contains(fragment), reply));
        return this;
    }

    /** The next {@code count} chat requests meet {@code fault}; then the server behaves again. */
    public ScriptedModelServer fault(Fault value, int count) {
        fault = value;
        faultsLeft.set(count);
        return this;
    }

    public void reset() {
        rules.clear();
        prompts.clear();
        chatRequests.clear();
        fault = Fault.NONE;
        faultsLeft.set(0);
        maxInFlight.set(inFlight.get());
        requests.set(0);
        rejected.set(0);
        hangUps.set(0);
    }

    // --- observations

    public String ollamaUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public String openAiUrl() {
        return ollamaUrl() + "/v1";
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int requests() {
        return requests.get();
    }

    /** Chat requests answered 503 because more than {@code parallel} were in flight. */
    public int rejectedOverLimit() {
        return rejected.get();
    }

    /** Streams the client hung up on before they ended. */
    public int hangUps() {
        return hangUps.get();
    }

    /** Every chat request body as received, in arrival order. */
    public List<JsonNode> chatRequests() {
        return List.copyOf(chatRequests);
    }

    /** Connections accepted so far (clients that reuse connections open few). */
    public int connections() {
        return connections.get();
    }

    /** The last user message of every chat request, in arrival order. */
    public List<String> prompts() {
        return List.copyOf(prompts);
    }

    @Override
    public void close() throws IOException {
        running = false;
        socket.close();
    }

    // --- HTTP

    private void acceptLoop() {
        while (running) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            PushbackInputStream in = new PushbackInputStream(client.getInputStream(), 1);
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            while (running) {
                Request request = readRequest(in);
                if (request == null) {
                    return;
                }
                if (fault == Fault.REFUSE && takeFault()) {
                    return; // hang up without a word, like a server that is not there
                }
                boolean keepAlive = route(request, client, in, out);
                out.flush();
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private record Request(String method, String path, Map<String, String> headers, byte[] body) {
    }

    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = readLine(in); header != null && !header.isEmpty(); header = readLine(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private boolean route(Request request, Socket client, PushbackInputStream in, OutputStream out) throws IOException {
        String path = request.path().replaceAll("\\?.*", "");
        switch (path) {
            case "/api/tags" -> {
                ObjectNode body = json.createObjectNode();
                var list = body.putArray("models");
                models.forEach(name -> list.addObject().put("name", name).put("model", name));
                respond(out, 200, "application/json", json.writeValueAsBytes(body));
                return true;
            }
            case "/v1/models" -> {
                ObjectNode body = json.createObjectNode();
                var list = body.putArray("data");
                models.forEach(name -> list.addObject().put("id", name).put("object", "model"));
                respond(out, 200, "application/json", json.writeValueAsBytes(body));
                return true;
            }
            case "/api/chat", "/v1/chat/completions" -> {
                return chat(request, path.startsWith("/v1"), client, in, out);
            }
            default -> {
                respond(out, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return true;
            }
        }
    }

    private boolean chat(Request request, boolean openAi, Socket client, PushbackInputStream in, OutputStream out)
            throws IOException {
        requests.incrementAndGet();
        JsonNode body = json.readTree(request.body());
        // Rules match the last user message, or a tool's result when that came last.
        String lastUser = "";
        for (JsonNode message : body.path("messages")) {
            String role = message.path("role").asString("");
            if (role.equals("user") || role.equals("tool")) {
                JsonNode content = message.path("content");
                lastUser = content.isString() ? content.asString() : content.toString();
            }
        }
        prompts.add(lastUser);
        chatRequests.add(body);
        boolean stream = openAi ? body.path("stream").asBoolean(false) : body.path("stream").asBoolean(true);
        Fault now = fault != Fault.NONE && takeFault() ? fault : Fault.NONE;
        if (now == Fault.ERROR_503 || now == Fault.ERROR_500) {
            int status = now == Fault.ERROR_503 ? 503 : 500;
            respond(out, status, "application/json", "{\"error\":\"scripted failure\"}".getBytes(StandardCharsets.UTF_8));
            return true;
        }
        HangUpWatch idle;
        int current = inFlight.incrementAndGet();
        boolean slotFree = false;
        try {
            if (current > parallel) {
                rejected.incrementAndGet();
                respond(out, 503, "application/json", "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return true;
            }
            maxInFlight.accumulateAndGet(current, Math::max);
            Reply reply = withSystemPrompt(replyFor(lastUser), body);
            String model = body.path("model").asString("model");
            HangUpWatch watch = new HangUpWatch(in);
            if (now == Fault.STALL) {
                watch.awaitHangUp(Long.MAX_VALUE);
                return false;
            }
            if (watch.awaitHangUp(firstTokenMillis)) {
                hangUps.incrementAndGet();
                return false;
            }
            List<String> tokens = tokens(reply.text());
            if (!stream) {
                sleepTokens(tokens.size(), watch);
                byte[] answer = openAi ? openAiComplete(model, reply.text(), lastUser, tokens.size())
                        : ollamaComplete(model, reply.text(), reply.thinking(), lastUser, tokens.size());
                // Generation is over: the slot is free before the answer goes out, as on a real server.
                inFlight.decrementAndGet();
                slotFree = true;
                respond(out, 200, "application/json", answer);
                out.flush();
                idle = watch;
            } else {
                startChunked(out, openAi ? "text/event-stream" : "application/x-ndjson");
                long gapNanos = (long) (1e9 / tokensPerSecond);
                long next = System.nanoTime();
                if (reply.thinking() != null && !openAi) {
                    for (String token : tokens(reply.thinking())) {
                        writeChunk(out, ollamaChunk(model, "", token));
                    }
                }
                if (!reply.toolCalls().isEmpty() && !openAi) {
                    writeChunk(out, ollamaToolCalls(model, reply.toolCalls()));
                }
                for (int i = 0; i < tokens.size(); i++) {
                    if (now == Fault.CUT_MID_STREAM && i == tokens.size() / 2) {
                        out.flush();
                        client.close();
                        return false;
                    }
                    if (now == Fault.MALFORMED_JSON && i == tokens.size() / 2) {
                        writeChunk(out, openAi ? "data: {\"choices\":[{\"delta\":{\"content\":\n\n" : "{\"message\":{\"content\":\n");
                        out.flush();
                        continue;
                    }
                    writeChunk(out, openAi ? openAiChunk(model, tokens.get(i)) : ollamaChunk(model, tokens.get(i), null));
                    out.flush();
                    next += gapNanos;
                    long wait = (next - System.nanoTime()) / 1_000_000;
                    if (wait > 0 && watch.awaitHangUp(wait)) {
                        hangUps.incrementAndGet();
                        return false;
                    }
                    if (watch.hungUp()) {
                        hangUps.incrementAndGet();
                        return false;
                    }
                }
                inFlight.decrementAndGet();
                slotFree = true;
                writeChunk(out, openAi ? openAiLast(model, lastUser, tokens.size()) : ollamaLast(model, lastUser, tokens.size()));
                endChunked(out);
                out.flush();
                idle = watch;
            }
        } catch (IOException e) {
            hangUps.incrementAndGet();
            throw e;
        } finally {
            if (!slotFree) {
                inFlight.decrementAndGet();
            }
        }
        // The reply is out and the slot free; now wait for the client's next request on this connection.
        return idle.finish();
    }

    private boolean takeFault() {
        return faultsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private static Reply withSystemPrompt(Reply reply, JsonNode body) {
        if (!reply.text().contains(Reply.SYSTEM_PROMPT)) {
            return reply;
        }
        String system = "";
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").asString("").equals("system")) {
                system = message.path("content").asString("");
            }
        }
        return new Reply(reply.text().replace(Reply.SYSTEM_PROMPT, system), reply.thinking(), reply.toolCalls());
    }

    private Reply replyFor(String prompt) {
        for (Rule rule : rules) {
            if (rule.matches().test(prompt)) {
                return rule.reply();
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < defaultReplyTokens; i++) {
            text.append("字");
        }
        return Reply.of(text.toString());
    }

    private static final Pattern TOKEN = Pattern.compile("[\\u2E80-\\uFFFF]\\s*|[^\\s\\u2E80-\\uFFFF]{1,8}\\s*|\\s+");

    /**
     * One token per Chinese character, per word (with its trailing space) otherwise, long words
     * cut every eight letters: close enough to a real tokenizer to pace a stream.
     */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    private void sleepTokens(int count, HangUpWatch watch) throws IOException {
        watch.awaitHangUp((long) (count * 1000 / tokensPerSecond));
    }

    // --- wire formats

    private String ollamaChunk(String model, String content, String thinking) {
        ObjectNode chunk = json.createObjectNode().put("model", model).put("created_at", "2026-11-28T00:00:00Z");
        ObjectNode message = chunk.putObject("message").put("role", "assistant").put("content", content);
        if (thinking != null) {
            message.put("thinking", thinking);
        }
        chunk.put("done", false);
        return json.writeValueAsString(chunk) + "\n";
    }

    private String ollamaToolCalls(String model, List<ToolCall> calls) {
        ObjectNode chunk = json.createObjectNode().put("model", model).put("created_at", "2026-11-28T00:00:00Z");
        ObjectNode message = chunk.putObject("message").put("role", "assistant").put("content", "");
        var array = message.putArray("tool_calls");
        for (ToolCall call : calls) {
            array.addObject().putObject("function").put("name", call.name())
                    .set("arguments", json.readTree(call.argumentsJson()));
        }
        chunk.put("done", false);
        return json.writeValueAsString(chunk) + "\n";
    }

    private String ollamaLast(String model, String prompt, int tokens) {
        ObjectNode chunk = json.createObjectNode().put("model", model).put("created_at", "2026-11-28T00:00:00Z");
        chunk.putObject("message").put("role", "assistant").put("content", "");
        chunk.put("done", true).put("done_reason", "stop")
                .put("prompt_eval_count", prompt.length()).put("eval_count", tokens);
        return json.writeValueAsString(chunk) + "\n";
    }

    private byte[] ollamaComplete(String model, String text, String thinking, String prompt, int tokens) {
        ObjectNode body = json.createObjectNode().put("model", model).put("created_at", "2026-11-28T00:00:00Z");
        ObjectNode message = body.putObject("message").put("role", "assistant").put("content", text);
        if (thinking != null) {
            message.put("thinking", thinking);
        }
        body.put("done", true).put("done_reason", "stop").put("prompt_eval_count", prompt.length()).put("eval_count", tokens);
        return json.writeValueAsBytes(body);
    }

    private String openAiChunk(String model, String content) {
        ObjectNode chunk = json.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("created", 0).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta").put("content", content);
        choice.putNull("finish_reason");
        return "data: " + json.writeValueAsString(chunk) + "\n\n";
    }

    private String openAiLast(String model, String prompt, int tokens) {
        ObjectNode chunk = json.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("created", 0).put("model", model);
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", "stop");
        chunk.putObject("usage").put("prompt_tokens", prompt.length()).put("completion_tokens", tokens)
                .put("total_tokens", prompt.length() + tokens);
        return "data: " + json.writeValueAsString(chunk) + "\n\ndata: [DONE]\n\n";
    }

    private byte[] openAiComplete(String model, String text, String prompt, int tokens) {
        ObjectNode body = json.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                .put("created", 0).put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        body.putObject("usage").put("prompt_tokens", prompt.length()).put("completion_tokens", tokens)
                .put("total_tokens", prompt.length() + tokens);
        return json.writeValueAsBytes(body);
    }

    private static void respond(OutputStream out, int status, String type, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\n"
                + "Content-Type: " + type + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
    }

    private static void startChunked(OutputStream out, String type) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void writeChunk(OutputStream out, String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void endChunked(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Notices a client hanging up while its reply is being made, as a real server does: a
     * virtual thread blocks reading the connection; end of stream means the client is gone. A
     * byte read instead is the start of the client's next request, handed back afterwards.
     */
    private static final class HangUpWatch {

        private final PushbackInputStream in;
        private final Object lock = new Object();
        private final Thread reader;
        private boolean hungUp;
        private int nextByte = -2;

        HangUpWatch(PushbackInputStream in) {
            this.in = in;
            this.reader = Thread.ofVirtual().start(this::watch);
        }

        private void watch() {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                b = -1;
            }
            synchronized (lock) {
                if (b == -1) {
                    hungUp = true;
                } else {
                    nextByte = b;
                }
                lock.notifyAll();
            }
        }

        /** Waits up to {@code millis}; true as soon as the client hangs up. */
        boolean awaitHangUp(long millis) {
            long until = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
            synchronized (lock) {
                while (!hungUp) {
                    long left = until - System.currentTimeMillis();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        lock.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return hungUp;
                    }
                }
                return true;
            }
        }

        boolean hungUp() {
            synchronized (lock) {
                return hungUp;
            }
        }

        /**
         * The reply is sent. Waits for the client's next request or its hang-up, so that the
         * connection can be reused; returns whether to keep it open.
         */
        boolean finish() throws IOException {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            synchronized (lock) {
                if (hungUp) {
                    return false;
                }
                in.unread(nextByte);
                return true;
            }
        }
    }
}
