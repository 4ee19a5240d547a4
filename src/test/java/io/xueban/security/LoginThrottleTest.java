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
            new SecuritySettings.Throttle(3, Duration.ofSeconds(30), Duration.ofMinutes(2))), clock);

    @Test
    void locksAfterTheFreeFailuresAndDoublesUpToTheCap() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("Wang");
        }
        assertThat(throttle.lockedFor("wang")).isEmpty();

        throttle.failed("wang");
        assertThat(throttle.lockedFor("WANG")).contains(Duration.ofSeconds(30));
        throttle.failed("wang");
        assertThat(throttle.lockedFor("wang")).contains(Duration.ofSeconds(60));
        throttle.failed("wang");
        throttle.failed("wang");
        assertThat(throttle.lockedFor("wang")).contains(Duration.ofMinutes(2));

        clock.advance(Duration.ofMinutes(2));
        assertThat(throttle.lockedFor("wang")).isEmpty();
    }

    @Test
    void successClearsTheRecord() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("li");
        }
        throttle.succeeded("li");
        throttle.failed("li");
        assertThat(throttle.lockedFor("li")).isEmpty();
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
