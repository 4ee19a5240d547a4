package io.xueban.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Accounts and tokens: {@code xueban.security.*}. */
@ConfigurationProperties("xueban.security")
record SecuritySettings(Duration tokenTtl, Duration tokenCacheTtl, Throttle loginThrottle) {

    /**
     * After {@code freeFailures} wrong passwords in a row, a username is locked for
     * {@code baseLock}, doubling with each further failure up to {@code maxLock}; after
     * {@code addressFailures} wrong passwords within {@code addressWindow} from one address, for
     * whatever usernames, the address is locked the same way. A known device is never locked out.
     */
    record Throttle(int freeFailures, Duration baseLock, Duration maxLock, int addressFailures, Duration addressWindow) {
    }
}
