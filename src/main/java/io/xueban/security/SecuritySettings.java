package io.xueban.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Accounts and tokens: {@code xueban.security.*}. */
@ConfigurationProperties("xueban.security")
record SecuritySettings(Duration tokenTtl, Duration tokenCacheTtl, Throttle loginThrottle) {

    /**
     * After {@code freeFailures} wrong passwords in a row, a username is locked for
     * {@code baseLock}, doubling with each further failure up to {@code maxLock}.
     */
    record Throttle(int freeFailures, Duration baseLock, Duration maxLock) {
    }
}
