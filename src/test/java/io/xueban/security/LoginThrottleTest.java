package io.xueban.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(new SecuritySettings(Duration.ofDays(1), Duration.ZERO,
            new SecuritySettings.Throttle(3, Duration.ofSeconds(30), Duration.ofMinutes(2), 5, Duration.ofMinutes(10))), clock);

    @Test
    void locksAfterTheFreeFailuresAndDoublesUpToTheCap() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("Wang", "10.0.0.1");
        }
        assertThat(throttle.lockedFor("wang", "10.0.0.2")).isEmpty();

        throttle.failed("wang", "10.0.0.1");
        assertThat(throttle.lockedFor("WANG", "10.0.0.2")).contains(Duration.ofSeconds(30));
        throttle.failed("wang", "10.0.0.1");
        assertThat(throttle.lockedFor("wang", "10.0.0.2")).contains(Duration.ofSeconds(60));
        throttle.failed("wang", "10.0.0.1");
        throttle.failed("wang", "10.0.0.1");
        assertThat(throttle.lockedFor("wang", "10.0.0.2")).contains(Duration.ofMinutes(2));

        clock.advance(Duration.ofMinutes(2));
        assertThat(throttle.lockedFor("wang", "10.0.0.2")).isEmpty();
    }

    @Test
    void successClearsTheRecord() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("li", "10.0.0.1");
        }
        throttle.succeeded("li");
        throttle.failed("li", "10.0.0.1");
        assertThat(throttle.lockedFor("li", "10.0.0.2")).isEmpty();
    }

    @Test
    void anAddressIsLockedAfterManyFailuresForAnyUsernamesWithinTheWindow() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i, "10.9.0.1");
        }
        throttle.succeeded("user4"); // a success of someone behind the same address does not clear it
        assertThat(throttle.lockedFor("zhang", "10.9.0.1")).isEmpty();
        throttle.failed("user5", "10.9.0.1");
        assertThat(throttle.lockedFor("zhang", "10.9.0.1")).contains(Duration.ofSeconds(30));
        assertThat(throttle.lockedFor("zhang", "10.9.0.2")).isEmpty();

        // Failures older than the window no longer count.
        clock.advance(Duration.ofMinutes(11));
        throttle.failed("user6", "10.9.0.1");
        assertThat(throttle.lockedFor("zhang", "10.9.0.1")).isEmpty();
    }

    private static final class MutableClock extends Clock {

        private Instant now = Instant.parse("2026-09-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
