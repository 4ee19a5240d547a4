package io.xueban.assignment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.UserMessage;
import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.assignment.Suggestions.Due;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;

/**
 * Asks the model for a suggested mark on typed answers to open items once they are handed in, in
 * the background at the lowest priority (nobody waits for it, and the teacher marks either way).
 * The answers of one item go together, up to {@link #PER_CALL} in a call, so the item and its key
 * are sent once for them all. When the model cannot take a call now, the answers wait for the next
 * round; a failed call is tried again later, {@link #MAX_TRIES} times in all.
 */
@Service
class MarkSuggester implements SmartLifecycle {

    static final int PER_CALL = 8;
    static final int MAX_TRIES = 3;
    private static final Duration RETRY_AFTER = Duration.ofMinutes(5);
    /** Longer than a model call may take: a claim this old was left by an instance that stopped. */
    private static final Duration STALLED_AFTER = Duration.ofMinutes(15);
    private static final Logger log = LoggerFactory.getLogger(MarkSuggester.class);

    /** One answer's suggestion as the model gives it. */
    record SuggestedMark(@NotNull Integer id, @NotNull Boolean correct, String feedback) {
    }

    record SuggestedMarks(@NotNull @Valid List<SuggestedMark> marks) {
    }

    private final Suggestions suggestions;
    private final AssignmentStore assignments;
    private final Items items;
    private final LlmGateway gateway;
    private final PromptTemplates prompts;
    private final AssignmentSettings settings;
    private final Clock clock;
    private volatile boolean running;
    private final java.util.concurrent.atomic.AtomicBoolean round = new java.util.concurrent.atomic.AtomicBoolean();

    MarkSuggester(Suggestions suggestions, AssignmentStore assignments, Items items, LlmGateway gateway,
            PromptTemplates prompts, AssignmentSettings settings, Clock clock) {
        this.suggestions = suggestions;
        this.settings = settings;
        this.assignments = assignments;
        this.items = items;
        this.gateway = gateway;
        this.prompts = prompts;
        this.clock = clock;
    }

    /**
     * Asks for suggested marks on typed answers to these open items, just handed in (in the
     * hand-in's transaction); answers given as photos have theirs from the reading.
     */
    void request(long assignmentId, long studentId, List<Long> openItems, Instant at) {
        if (!settings.suggestMarks() || openItems.isEmpty()) {
            return;
        }
        Set<Long> photos = assignments.photoItems(assignmentId, studentId);
        suggestions.request(assignmentId, studentId, openItems.stream().filter(item -> !photos.contains(item)).toList(), at);
    }

    /** The student's answers may change (another attempt): suggestions on them go. */
    void forget(long assignmentId, long studentId) {
        suggestions.forget(assignmentId, studentId);
    }

    /**
     * Starts a round on a thread of its own, unless one is running: fixed-delay tasks share the one
     * scheduler thread (the live views' counts among them), which a model call must never hold.
     */
    @Scheduled(fixedDelayString = "${xueban.assignment.suggest-every:5s}",
            initialDelayString = "${xueban.assignment.suggest-every:5s}")
    void sweep() {
        if (round.compareAndSet(false, true)) {
            Thread.ofVirtual().name("mark-suggestions").start(() -> {
                try {
                    suggestDue();
                } catch (RuntimeException e) {
                    log.warn("A round of suggested marks failed", e);
                } finally {
                    round.set(false);
                }
            });
        }
    }

    /** Suggests marks for the answers due, one item's answers at a time, until none is due or the model is busy. */
    void suggestDue() {
        while (running && settings.suggestMarks()) {
            Instant now = clock.instant();
            List<Due> due = suggestions.due(MAX_TRIES, now.minus(RETRY_AFTER), now.minus(STALLED_AFTER), 4 * PER_CALL);
            if (due.isEmpty()) {
                return;
            }
            Due first = due.getFirst();
            List<Due> batch = due.stream().filter(d -> d.assignmentId() == first.assignmentId()
                    && d.itemId() == first.itemId()).limit(PER_CALL).toList();
            if (!suggest(batch)) {
                return;
            }
        }
    }

    /** Asks for one item's answers; false when the model cannot take the call now. */
    private boolean suggest(List<Due> batch) {
        Due first = batch.getFirst();
        Assignment assignment = assignments.find(first.assignmentId()).orElse(null);
        ItemFacts item = assignment == null ? null
                : items.findFacts(assignment.schoolId(), first.itemId()).orElse(null);
        if (assignment != null) {
            try {
                gateway.checkAdmissible(ModelRole.CHAT, Priority.BATCH, assignment.createdBy(), null);
            } catch (LlmException busy) {
                return false;
            }
        }
        List<Due> claimed = new ArrayList<>();
        for (Due due : batch) {
            suggestions.claim(due, clock.instant()).ifPresent(claimed::add);
        }
        if (claimed.isEmpty()) {
            return true;
        }
        if (item == null) {
            // Gone meanwhile (its answers go with an assignment; an item may be withdrawn): nothing to ask.
            claimed.forEach(due -> suggestions.failed(due, clock.instant()));
            return true;
        }
        try {
            SuggestedMarks marks = ask(assignment, item, claimed);
            Instant now = clock.instant();
            for (SuggestedMark mark : marks.marks()) {
                suggestions.done(claimed.get(mark.id() - 1), mark.correct(), mark.feedback(), now);
            }
            return true;
        } catch (LlmException e) {
            boolean notNow = e.status() == HttpStatus.TOO_MANY_REQUESTS || e.status() == HttpStatus.SERVICE_UNAVAILABLE;
            if (notNow || !running) {
                claimed.forEach(suggestions::release);
                return false;
            }
            log.warn("No suggested marks for {} answers to item {}: {}", claimed.size(), item.id(), e.getMessage());
            claimed.forEach(due -> suggestions.failed(due, clock.instant()));
            return true;
        } catch (RuntimeException e) {
            // Anything else counts as a try too, so that no answer stays claimed for good.
            log.warn("No suggested marks for {} answers to item {}", claimed.size(), item.id(), e);
            claimed.forEach(due -> suggestions.failed(due, clock.instant()));
            return true;
        }
    }

    private SuggestedMarks ask(Assignment assignment, ItemFacts item, List<Due> answers) {
        StringBuilder quoted = new StringBuilder();
        for (int i = 0; i < answers.size(); i++) {
            String answer = answers.get(i).answer() == null ? "" : answers.get(i).answer();
            quoted.append('[').append(i + 1).append("] ")
                    .append(PromptTemplates.quoted(answer).replace('\n', ' ').strip()).append('\n');
        }
        String prompt = prompts.render("assignment/suggest-marks", Map.of(
                "stem", item.stem(),
                "answerKey", item.answerKey() == null ? "（无）" : item.answerKey(),
                "explanation", item.explanation() == null ? "" : "解析：" + item.explanation() + "\n",
                "answers", quoted.toString().strip()));
        LlmCall call = LlmCall.of(ModelRole.CHAT, Priority.BATCH, assignment.createdBy(), List.of(UserMessage.from(prompt)))
                .withClass(assignment.classId()).withTemperature(0);
        return gateway.generate(call, SuggestedMarks.class, marks -> {
            List<String> problems = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            for (SuggestedMark mark : marks.marks()) {
                if (mark.id() < 1 || mark.id() > answers.size()) {
                    problems.add("id " + mark.id() + " is not one of the answers given");
                } else if (!seen.add(mark.id())) {
                    problems.add("id " + mark.id() + " is marked twice");
                }
            }
            if (seen.size() < answers.size()) {
                problems.add("every answer from 1 to " + answers.size() + " needs a mark");
            }
            return problems;
        });
    }

    @Override
    public void start() {
        running = true;
    }

    /** Takes no more answers; those whose call the shutdown cuts off are given back untried. */
    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
