package io.xueban.tutor;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * A system prompt's canary and its fingerprint: a reply that contains the canary, or repeats a
 * long stretch of the system prompt word for word, is leaking it. Both checks are cheap enough to
 * run on a reply as it streams.
 */
final class Canary {

    /** Characters of the system prompt a reply may not repeat in one piece. */
    static final int WINDOW = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String token;
    private final Set<String> windows = new HashSet<>();

    private Canary(String token) {
        this.token = token;
    }

    static Canary fresh() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return new Canary("XB-" + HexFormat.of().formatHex(bytes).toUpperCase(Locale.ROOT));
    }

    /** The canary a conversation keeps for all its turns. */
    static Canary of(String token) {
        return new Canary(token);
    }

    String token() {
        return token;
    }

    /** Remembers the system prompt as rendered (with the canary in it). */
    Canary guarding(String systemPrompt) {
        String flat = flatten(systemPrompt);
        for (int i = 0; i + WINDOW <= flat.length(); i++) {
            windows.add(flat.substring(i, i + WINDOW));
        }
        return this;
    }

    /** True when the reply so far gives the canary or a long stretch of the system prompt away. */
    boolean leakedIn(String reply) {
        if (reply.contains(token)) {
            return true;
        }
        String flat = flatten(reply);
        for (int i = 0; i + WINDOW <= flat.length(); i++) {
            if (windows.contains(flat.substring(i, i + WINDOW))) {
                return true;
            }
        }
        return false;
    }

    private static String flatten(String text) {
        return text.replaceAll("\\s+", "");
    }
}
