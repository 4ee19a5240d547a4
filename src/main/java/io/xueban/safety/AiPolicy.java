package io.xueban.safety;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.xueban.system.ApiException;
import io.xueban.system.Db;

/**
 * The AI-use policy a student accepts once before chatting: it says the buddy is an AI, that
 * their teachers can read the conversations, and what happens when they are in distress. A new
 * {@link #VERSION} asks everyone again.
 */
@Service
public class AiPolicy {

    public static final String VERSION = "2026-11";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String text;

    AiPolicy(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        try (InputStream in = AiPolicy.class.getResourceAsStream("/policy/ai-use-policy.md")) {
            this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        return text;
    }

    Optional<String> acceptedVersion(long userId) {
        return jdbc.sql("SELECT version FROM policy_acceptance WHERE user_id = ?").param(userId).query(String.class).optional();
    }

    public boolean accepted(long userId) {
        return acceptedVersion(userId).filter(VERSION::equals).isPresent();
    }

    /** 403 until the student has accepted the current version. */
    public void require(long userId) {
        if (!accepted(userId)) {
            throw ApiException.forbidden("ai-policy-not-accepted", VERSION);
        }
    }

    void accept(long schoolId, long userId) {
        int updated = jdbc.sql("UPDATE policy_acceptance SET version = ?, accepted_at = ? WHERE user_id = ?")
                .params(VERSION, Db.utc(clock.instant()), userId).update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO policy_acceptance (user_id, school_id, version, accepted_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT DO NOTHING""")
                    .params(userId, schoolId, VERSION, Db.utc(clock.instant())).update();
        }
    }
}
