package io.xueban.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class RequestDoorTest {

    @Test
    void aRequestFindingTooManyAheadIsRefusedAtOnceWithRetryAfter() throws Exception {
        RequestDoor door = new RequestDoor(new RequestDoor.Settings(1, 1, Duration.ofSeconds(30)));
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdPermit(door, release);
        Thread waiter = Thread.ofVirtual().start(() -> door.pass(() -> "second"));
        while (door.waiting() == 0) {
            Thread.sleep(1);
        }

        long start = System.nanoTime();
        assertThatThrownBy(() -> door.pass(() -> "third"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
                    assertThat(e.code()).isEqualTo("server-busy");
                    assertThat((Long) e.properties().get("retryAfterSeconds")).isPositive();
                });
        // Refused without waiting for the holder (which waits 30 s at most).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        release.countDown();
        holder.join();
        waiter.join();
        assertThat(door.pass(() -> "later")).isEqualTo("later");
    }

    @Test
    void aRequestThatWaitedTooLongIsRefusedAndTheWorkNeverRuns() throws Exception {
        RequestDoor door = new RequestDoor(new RequestDoor.Settings(1, 10, Duration.ofMillis(50)));
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdPermit(door, release);
        boolean[] ran = new boolean[1];

        assertThatThrownBy(() -> door.pass(() -> ran[0] = true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("server-busy"));
        assertThat(ran[0]).isFalse();
        assertThat(door.waiting()).isZero();

        release.countDown();
        holder.join();
    }

    @Test
    void aFailingRequestGivesItsPermitBack() {
        RequestDoor door = new RequestDoor(new RequestDoor.Settings(1, 0, Duration.ofMillis(10)));
        assertThatThrownBy(() -> door.pass(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(door.pass(() -> "next")).isEqualTo("next");
    }

    /** A request that holds the door's permit until {@code release}; returns once it holds it. */
    private static Thread holdPermit(RequestDoor door, CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> door.pass(() -> {
            inside.countDown();
            await(release);
            return null;
        }));
        inside.await();
        return holder;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
