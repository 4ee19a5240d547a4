package io.xueban.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.xueban.system.Hashes;
import io.xueban.system.Db;

/**
 * API bearer tokens. A token is 32 random bytes shown once; only its SHA-256 is stored, so a
 * leaked database does not leak usable tokens. Tokens expire and can be revoked.
 *
 * <p>A token is checked together with its account in one query (the one place where security
 * reads the accounts table itself rather than through {@link Accounts}): every API request
 * needs it. Checked tokens are remembered for {@code xueban.security.token-cache-ttl} so that busy
 * clients (a class streaming chat replies) do not cost two database queries per request. A
 * revoke or an account change on this instance takes effect at once; on other instances of a
 * cluster within that time.
 */
@Service
class ApiTokens {

    static final String PREFIX = "xb_";
    private static final int MAX_CACHED = 50_000;

    private final JdbcClient jdbc;
    private final SecuritySettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Checked> checked = new ConcurrentHashMap<>();

    ApiTokens(JdbcClient jdbc, SecuritySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.clock = clock;
    }

    @Transactional
    IssuedToken issue(CurrentUser user, String name) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Instant expires = now.plus(settings.tokenTtl());
        long id = Db.insert(jdbc, """
                        INSERT INTO api_token (user_id, token_hash, name, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?)""",
                user.id(), hash(token), name, Db.utc(now), Db.utc(expires));
        return new IssuedToken(id, token, expires);
    }

    /** The user a presented token stands for, if it is known, unexpired, unrevoked and enabled. */
    Optional<Accounts.Account> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = hash(token);
        long now = System.nanoTime();
        Checked known = checked.get(hash);
        if (known != null && now < known.validUntilNanos()) {
            return Optional.of(known.account());
        }
        // One round trip for token and account: a class signing in at once makes hundreds of these.
        Optional<Accounts.Account> account = jdbc.sql("""
                        SELECT t.expires_at, u.id, u.school_id, u.username, u.display_name, u.role, u.password_hash,
                               u.enabled
                        -- a password to change is the browser's business: programs keep their tokens
                        FROM api_token t JOIN app_user u ON u.id = t.user_id
                        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.enabled""")
                .params(hash, Db.utc(clock.instant()))
                .query((rs, n) -> remember(hash, new Accounts.Account(rs.getLong("id"), rs.getLong("school_id"),
                                rs.getString("username"), rs.getString("display_name"), Role.valueOf(rs.getString("role")),
                                rs.getString("password_hash"), rs.getBoolean("enabled"), false),
                        Db.instant(rs, "expires_at"), now))
                .optional();
        if (account.isEmpty()) {
            checked.remove(hash);
        }
        return account;
    }

    private Accounts.Account remember(String hash, Accounts.Account account, Instant expires, long now) {
        if (settings.tokenCacheTtl().isZero()) {
            return account;
        }
        long untilExpiry = Duration.between(clock.instant(), expires).toNanos();
        long ttl = Math.min(settings.tokenCacheTtl().toNanos(), untilExpiry);
        if (checked.size() >= MAX_CACHED) {
            checked.clear(); // bounded memory; the next requests simply look their tokens up again
        }
        checked.put(hash, new Checked(account, now + ttl));
        return account;
    }

    /** Within the change's transaction: a sign-out revokes every token of the user. */
    @EventListener
    void onAccountChanged(AccountChanged event) {
        forget(event.userId());
        if (event.signOut()) {
            jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
                    .params(Db.utc(clock.instant()), event.userId())
                    .update();
        }
        // A request between the change and its commit may have cached the account again.
        Db.afterCommit(() -> forget(event.userId()));
    }

    private void forget(long userId) {
        checked.values().removeIf(entry -> entry.account().id() == userId);
    }

    private record Checked(Accounts.Account account, long validUntilNanos) {
    }

    List<TokenInfo> list(CurrentUser user) {
        return jdbc.sql("""
                        SELECT id, name, created_at, expires_at, revoked_at FROM api_token
                        WHERE user_id = ? ORDER BY id""")
                .param(user.id())
                .query((rs, n) -> new TokenInfo(rs.getLong("id"), rs.getString("name"),
                        Db.instant(rs, "created_at"), Db.instant(rs, "expires_at"), Db.instant(rs, "revoked_at")))
                .list();
    }

    /** Revokes one of the user's own tokens; false when the user has no such token. */
    @Transactional
    boolean revoke(CurrentUser user, long tokenId) {
        forget(user.id());
        return jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL")
                .params(Db.utc(clock.instant()), tokenId, user.id())
                .update() > 0;
    }

    @Transactional
    void revoke(String token) {
        checked.remove(hash(token));
        jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
                .params(Db.utc(clock.instant()), hash(token))
                .update();
    }

    static String hash(String token) {
        return Hashes.sha256(token);
    }

    record IssuedToken(long id, String token, Instant expiresAt) {
    }

    record TokenInfo(long id, String name, Instant createdAt, Instant expiresAt, Instant revokedAt) {
    }
}
