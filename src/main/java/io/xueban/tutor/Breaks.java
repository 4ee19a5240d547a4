package io.xueban.tutor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.xueban.safety.SafetySettingsStore;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;

/**
 * Whether a student has been chatting with the buddy long enough to be reminded to take a break:
 * a sitting is the messages sent with no pause of {@link #PAUSE} between them; once it has lasted
 * the school's {@code breakAfterMinutes}, the student is reminded, then again every
 * {@link #AGAIN} while it goes on. (When each student was last reminded is kept in memory: a
 * restart may remind once more.)
 */
@Component
class Breaks {

    static final Duration PAUSE = Duration.ofMinutes(20);
    static final Duration AGAIN = Duration.ofMinutes(30);

    private final ConversationStore store;
    private final SafetySettingsStore safety;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Instant> reminded = new ConcurrentHashMap<>();

    Breaks(ConversationStore store, SafetySettingsStore safety, Clock clock) {
        this.store = store;
        this.safety = safety;
        this.clock = clock;
    }

    /** The minutes of the student's sitting, when they are due a reminder now (recorded as given). */
    OptionalLong due(CurrentUser me) {
        int after = me.is(Role.STUDENT) ? safety.of(me.schoolId()).breakAfterMinutes() : 0;
        if (after <= 0) {
            return OptionalLong.empty();
        }
        Instant now = clock.instant();
        Instant last = reminded.get(me.id());
        if (last != null && last.plus(AGAIN).isAfter(now)) {
            return OptionalLong.empty();
        }
        List<Instant> sent = store.sentTimes(me.id(), now.minus(Duration.ofMinutes(after)).minus(PAUSE));
        Instant start = now;
        for (Instant at : sent) {
            if (Duration.between(at, start).compareTo(PAUSE) > 0) {
                break;
            }
            start = at;
        }
        long minutes = Duration.between(start, now).toMinutes();
        if (minutes < after) {
            return OptionalLong.empty();
        }
        if (reminded.size() > 100_000) {
            reminded.clear(); // bounded memory: at worst a second reminder
        }
        reminded.put(me.id(), now);
        return OptionalLong.of(minutes);
    }
}
