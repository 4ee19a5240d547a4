package io.xueban.assignment;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.xueban.assignment.AssignmentStore.Assignment;

/**
 * Live views of assignments for the teachers following them (SSE): the current view on
 * subscribing, then a new one at most every {@link #INTERVAL_MILLIS} while answers come in, so a
 * class of any size costs one count per interval however many answers arrive; a comment every
 * 15 s keeps proxies from closing a quiet stream. One shared scheduler thread does the work; no
 * subscriber holds a thread.
 */
@Service
class LiveChecks implements SmartLifecycle {

    static final long INTERVAL_MILLIS = 250;
    private static final long TIMEOUT_MILLIS = Duration.ofHours(3).toMillis();
    private static final Logger log = LoggerFactory.getLogger(LiveChecks.class);

    private final AssignmentStore store;
    private final AssignmentResults results;
    private final Map<Long, Set<SseEmitter>> subscribers = new ConcurrentHashMap<>();
    private final Set<Long> changed = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    LiveChecks(AssignmentStore store, AssignmentResults results) {
        this.store = store;
        this.results = results;
    }

    /** A stream of the assignment's live view, starting with the view as it is now. */
    SseEmitter subscribe(Assignment assignment) {
        SseEmitter emitter = new SseEmitter(TIMEOUT_MILLIS);
        // Joining and leaving change the set under the map's lock, so that a follower joining as the
        // last one leaves is never added to a set already dropped.
        subscribers.compute(assignment.id(), (id, following) -> {
            Set<SseEmitter> joined = following == null ? ConcurrentHashMap.newKeySet() : following;
            joined.add(emitter);
            return joined;
        });
        Runnable remove = () -> subscribers.computeIfPresent(assignment.id(), (id, following) -> {
            following.remove(emitter);
            return following.isEmpty() ? null : following;
        });
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        send(assignment.id(), emitter, SseEmitter.event().name("live").data(results.live(assignment)));
        return emitter;
    }

    /** Answers of the assignment changed: followers get a new view at the next interval. */
    void changed(long assignmentId) {
        Set<SseEmitter> following = subscribers.get(assignmentId);
        if (following != null && !following.isEmpty()) {
            changed.add(assignmentId);
        }
    }

    @Scheduled(fixedDelay = INTERVAL_MILLIS)
    void publish() {
        for (Long id : List.copyOf(changed)) {
            changed.remove(id);
            Set<SseEmitter> following = subscribers.getOrDefault(id, Set.of());
            if (following.isEmpty()) {
                continue;
            }
            try {
                store.find(id).map(results::live).ifPresent(view -> following
                        .forEach(emitter -> send(id, emitter, SseEmitter.event().name("live").data(view))));
            } catch (RuntimeException e) {
                log.warn("Could not count the live view of assignment {}", id, e);
            }
        }
    }

    @Scheduled(fixedRate = 15_000)
    void heartbeat() {
        subscribers.forEach((id, following) -> following.forEach(emitter -> send(id, emitter,
                SseEmitter.event().comment("heartbeat"))));
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every stream before the web server's graceful shutdown (which stops later: a lower
     * phase), so that open live views do not hold the shutdown up; pages reconnect to the next
     * instance.
     */
    @Override
    public void stop() {
        running = false;
        subscribers.values().forEach(following -> following.forEach(SseEmitter::complete));
        subscribers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void send(long id, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        } catch (IOException | IllegalStateException e) {
            subscribers.computeIfPresent(id, (key, following) -> {
                following.remove(emitter);
                return following.isEmpty() ? null : following;
            });
            emitter.completeWithError(e);
        }
    }
}
