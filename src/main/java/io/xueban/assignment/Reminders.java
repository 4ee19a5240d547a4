package io.xueban.assignment;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.safety.Notifications;
import io.xueban.security.CurrentUser;

/**
 * A teacher's reminder of an assignment, as an in-app notification in the school's language
 * (Chinese) with the due time in the school's zone, leading to the task.
 */
@Component
class Reminders {

    /** The same assignment's students are reminded at most this often. */
    static final Duration EVERY = Duration.ofMinutes(10);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("M月d日 HH:mm");

    private final Notifications notifications;
    private final MessageSource messages;
    private final ZoneId zone;

    Reminders(Notifications notifications, MessageSource messages, ZoneId zone) {
        this.notifications = notifications;
        this.messages = messages;
        this.zone = zone;
    }

    void send(CurrentUser teacher, Assignment assignment, List<Long> students) {
        Locale chinese = Locale.SIMPLIFIED_CHINESE;
        String due = assignment.dueAt() == null ? messages.getMessage("assignment.reminder.no-due", null, chinese)
                : messages.getMessage("assignment.reminder.due", new Object[] {WHEN.format(assignment.dueAt().atZone(zone))},
                        chinese);
        notifications.send(assignment.schoolId(), students, messages.getMessage("assignment.reminder",
                new Object[] {teacher.displayName(), assignment.title(), due}, chinese),
                "/study/tasks?task=" + assignment.id());
    }
}
