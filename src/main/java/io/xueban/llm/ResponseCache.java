package io.xueban.llm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.langchain4j.data.message.ChatMessage;
import io.xueban.system.Hashes;

/**
 * Exact-match cache of deterministic replies (temperature 0), keyed by role, model, the rendered
 * messages and the output schema, with a time to live and a size bound (least recently used
 * out first). Identical calls in flight at the same time share one upstream call.
 */
final class ResponseCache {

    private final int maxEntries;
    private final long ttlNanos;
    private final Map<String, Cached> entries;
    private final ConcurrentHashMap<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();

    ResponseCache(int maxEntries, Duration ttl) {
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > ResponseCache.this.maxEntries;
            }
        };
    }

    static String key(ModelRole role, String models, Iterable<ChatMessage> messages, String schema) {
        MessageDigest digest = Hashes.digest();
        update(digest, role.name());
        update(digest, models);
        for (ChatMessage message : messages) {
            update(digest, message.type().name());
            update(digest, message.toString());
        }
        update(digest, schema == null ? "" : schema);
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update((byte) (bytes.length >>> 24));
        digest.update((byte) (bytes.length >>> 16));
        digest.update((byte) (bytes.length >>> 8));
        digest.update((byte) bytes.length);
        digest.update(bytes);
    }

    synchronized String get(String key) {
        Cached entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.storedNanos > ttlNanos) {
            entries.remove(key);
            return null;
        }
        return entry.value;
    }

    /** Drops a reply that turned out to be unusable, so that the next identical call asks the model again. */
    synchronized void remove(String key) {
        entries.remove(key);
    }

    synchronized void put(String key, String value) {
        entries.put(key, new Cached(value, System.nanoTime()));
    }

    /** The call already in flight for this key, or null after registering {@code mine} as it. */
    CompletableFuture<String> joinOrLead(String key, CompletableFuture<String> mine) {
        return inFlight.putIfAbsent(key, mine);
    }

    void done(String key, CompletableFuture<String> mine) {
        inFlight.remove(key, mine);
    }

    private record Cached(String value, long storedNanos) {
    }
}
