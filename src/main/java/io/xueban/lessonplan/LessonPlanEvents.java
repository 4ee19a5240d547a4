package io.xueban.lessonplan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.xueban.system.ApiException;
import io.xueban.system.Problems;

/**
 * Progress of plans being written, as Server-Sent Events: {@code plan} (its id), {@code stage}
 * (profile, writing, saving; with a sentence), {@code token} (the model's text as it arrives),
 * then {@code done} or {@code error} (a problem). A client that subscribes late gets what it
 * missed first. Once a plan is finished its channel is gone: its state is in the database.
 */
@Component
class LessonPlanEvents {

    private record Event(String name, Object data) {
    }

    private static final class Channel {
        final List<Event> history = new ArrayList<>();
        final List<SseEmitter> subscribers = new ArrayList<>();
        final Locale locale;

        Channel(Locale locale) {
            this.locale = locale;
        }
    }

    private final Map<Long, Channel> channels = new ConcurrentHashMap<>();
    private final MessageSource messages;
    private final Problems problems;

    LessonPlanEvents(MessageSource messages, Problems problems) {
        this.messages = messages;
        this.problems = problems;
    }

    /** Opens the plan's channel before its generation starts, so that nothing is missed. */
    void open(long planId) {
        Channel channel = new Channel(LocaleContextHolder.getLocale());
        channel.history.add(new Event("plan", Map.of("planId", planId)));
        channels.put(planId, channel);
    }

    /** Adds a subscriber, replaying what it missed; false when the plan is not being written here (any more). */
    boolean subscribe(long planId, SseEmitter emitter) {
        Channel channel = channels.get(planId);
        if (channel == null) {
            return false;
        }
        synchronized (channel) {
            if (channels.get(planId) != channel) {
                return false;
            }
            for (Event event : channel.history) {
                if (!send(emitter, event)) {
                    return true;
                }
            }
            channel.subscribers.add(emitter);
        }
        emitter.onCompletion(() -> unsubscribe(channel, emitter));
        emitter.onError(error -> unsubscribe(channel, emitter));
        return true;
    }

    void stage(long planId, String stage) {
        Channel channel = channels.get(planId);
        if (channel != null) {
            publish(channel, new Event("stage", Map.of("stage", stage,
                    "message", messages.getMessage("lesson-plan.stage." + stage, null, channel.locale))));
        }
    }

    void token(long planId, String text) {
        Channel channel = channels.get(planId);
        if (channel != null) {
            publish(channel, new Event("token", Map.of("text", text)));
        }
    }

    void done(long planId) {
        finish(planId, channel -> new Event("done", Map.of("planId", planId)));
    }

    void failed(long planId, ApiException error) {
        finish(planId, channel -> new Event("error", problems.of(error, channel.locale)));
    }

    private void finish(long planId, java.util.function.Function<Channel, Event> last) {
        Channel channel = channels.get(planId);
        if (channel == null) {
            return;
        }
        synchronized (channel) {
            Event event = last.apply(channel);
            for (SseEmitter emitter : List.copyOf(channel.subscribers)) {
                send(emitter, event);
                emitter.complete();
            }
            channel.subscribers.clear();
            channels.remove(planId);
        }
    }

    private void publish(Channel channel, Event event) {
        synchronized (channel) {
            channel.history.add(event);
            for (SseEmitter emitter : List.copyOf(channel.subscribers)) {
                if (!send(emitter, event)) {
                    channel.subscribers.remove(emitter);
                }
            }
        }
    }

    private void unsubscribe(Channel channel, SseEmitter emitter) {
        synchronized (channel) {
            channel.subscribers.remove(emitter);
        }
    }

    /** False when the client is gone; the plan is written all the same. */
    private static boolean send(SseEmitter emitter, Event event) {
        try {
            emitter.send(SseEmitter.event().name(event.name()).data(event.data()));
            return true;
        } catch (IOException | IllegalStateException gone) {
            return false;
        }
    }
}
