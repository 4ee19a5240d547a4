package io.xueban.insight;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import io.xueban.curriculum.ItemRef;
import io.xueban.curriculum.Items;
import io.xueban.security.AccessPolicy;
import io.xueban.security.Accounts;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;
import io.xueban.system.Csv;

/**
 * Turns answers as clients send them (one, a JSON batch, or a CSV file) into checked
 * {@link NewResponse}s: the caller may act for the student, the item is the school's, and the
 * answer is marked from the key when no mark is given. A student's own answer is always marked
 * from the key and stamped with the server's time: only staff record a mark (for the students
 * they teach) or say when an answer was given. Nothing is stored unless all are valid.
 */
@Service
class ResponseIntake {

    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Map<String, String> CSV_COLUMNS = Map.ofEntries(
            Map.entry("student", "student"), Map.entry("学生", "student"), Map.entry("学号", "student"),
            Map.entry("item", "item"), Map.entry("题目", "item"), Map.entry("题号", "item"),
            Map.entry("correct", "correct"), Map.entry("正确", "correct"),
            Map.entry("score", "score"), Map.entry("得分", "score"),
            Map.entry("answer", "answer"), Map.entry("作答", "answer"),
            Map.entry("time_ms", "time_ms"), Map.entry("用时", "time_ms"),
            Map.entry("answered_at", "answered_at"), Map.entry("作答时间", "answered_at"));

    private static final Map<String, Boolean> TRUTH = Map.of(
            "1", true, "true", true, "对", true, "是", true, "√", true,
            "0", false, "false", false, "错", false, "否", false, "×", false);

    private final AccessPolicy policy;
    private final Items items;
    private final Accounts accounts;
    private final MessageSource messages;
    private final Clock clock;

    ResponseIntake(AccessPolicy policy, Items items, Accounts accounts, MessageSource messages, Clock clock) {
        this.policy = policy;
        this.items = items;
        this.accounts = accounts;
        this.messages = messages;
        this.clock = clock;
    }

    /** Checks JSON answers; access problems answer 403/404 at once, content problems are listed per entry. */
    List<NewResponse> fromJson(CurrentUser me, List<ResponseRequest> requests) {
        List<NewResponse> checked = new ArrayList<>();
        List<ApiException.RowError> errors = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            ResponseRequest request = requests.get(i);
            long studentId = request.studentId() != null ? request.studentId() : selfOrMissing(me);
            policy.checkStudent(me, studentId);
            boolean ownAnswer = me.is(Role.STUDENT);
            if (ownAnswer && (request.correct() != null || request.score() != null)) {
                throw ApiException.forbidden("response-mark-staff-only");
            }
            if (ownAnswer && request.source() != null && request.source() != ResponseSource.TYPED) {
                throw ApiException.forbidden("response-source-staff-only", request.source());
            }
            ItemRef item = items.findRef(request.itemId())
                    .filter(found -> found.schoolId() == me.schoolId())
                    .orElseThrow(() -> ApiException.notFound("item", request.itemId()));
            Instant answeredAt = ownAnswer || request.answeredAt() == null ? clock.instant() : request.answeredAt();
            String problem = checkContent(request.source(), answeredAt);
            if (problem == null) {
                var marked = mark(item, request.correct(), request.score(), request.answer());
                if (marked == null) {
                    problem = ownAnswer ? "response.needs-teacher" : "response.needs-mark";
                } else {
                    checked.add(new NewResponse(me.schoolId(), studentId, item.id(), marked.correct(), marked.score(),
                            request.answer(), request.timeTakenMs(),
                            request.source() == null ? ResponseSource.TYPED : request.source(), answeredAt));
                }
            }
            if (problem != null) {
                errors.add(new ApiException.RowError(i + 1, describe(problem)));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidRows(errors);
        }
        return checked;
    }

    /** Checks a CSV file; every problem, access included, is listed by row. */
    List<NewResponse> fromCsv(CurrentUser me, byte[] file) {
        Csv.Table table = Csv.parse(file, CSV_COLUMNS, Set.of("student", "item"));
        if (table.rows().isEmpty()) {
            throw ApiException.badRequest("csv-no-rows");
        }
        Set<String> itemKeys = new LinkedHashSet<>();
        table.rows().forEach(row -> {
            if (row.get("item") != null) {
                itemKeys.add(row.get("item"));
            }
        });
        Map<String, ItemRef> itemsByKey = items.findRefs(me.schoolId(), itemKeys);
        Map<String, Long> students = new HashMap<>();
        List<NewResponse> checked = new ArrayList<>();
        List<ApiException.RowError> errors = new ArrayList<>();
        for (Csv.Row row : table.rows()) {
            List<String> problems = new ArrayList<>();
            Long studentId = row.complete() ? student(me, row.get("student"), students, problems) : null;
            if (!row.complete()) {
                problems.add("roster.cell-count");
            }
            ItemRef item = row.get("item") == null ? null : itemsByKey.get(row.get("item"));
            if (row.complete() && item == null) {
                problems.add("response.unknown-item");
            }
            Boolean correct = null;
            if (row.get("correct") != null) {
                correct = TRUTH.get(row.get("correct").toLowerCase(Locale.ROOT));
                if (correct == null) {
                    problems.add("response.correct-invalid");
                }
            }
            Double score = parseScore(row.get("score"), problems);
            Long time = parseTime(row.get("time_ms"), problems);
            Instant answeredAt = parseInstant(row.get("answered_at"), problems);
            if (problems.isEmpty()) {
                String problem = checkContent(ResponseSource.IMPORTED, answeredAt);
                var marked = mark(item, correct, score, row.get("answer"));
                if (problem != null) {
                    problems.add(problem);
                } else if (marked == null) {
                    problems.add("response.needs-mark");
                } else {
                    checked.add(new NewResponse(me.schoolId(), studentId, item.id(), marked.correct(), marked.score(),
                            row.get("answer"), time, ResponseSource.IMPORTED,
                            answeredAt == null ? clock.instant() : answeredAt));
                }
            }
            problems.forEach(p -> errors.add(new ApiException.RowError(row.number(), describe(p))));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidRows(errors);
        }
        return checked;
    }

    private Long student(CurrentUser me, String key, Map<String, Long> cache, List<String> problems) {
        if (key == null) {
            problems.add("response.unknown-student");
            return null;
        }
        Long id = cache.computeIfAbsent(key, k -> {
            var account = accounts.findByUsername(k)
                    .or(() -> k.matches("\\d{1,18}") ? accounts.findById(Long.parseLong(k)) : java.util.Optional.empty())
                    .filter(a -> a.role() == Role.STUDENT && a.schoolId() == me.schoolId());
            if (account.isEmpty()) {
                return -1L;
            }
            try {
                policy.checkStudent(me, account.get().id());
                return account.get().id();
            } catch (ApiException e) {
                return -2L;
            }
        });
        if (id == -1L) {
            problems.add("response.unknown-student");
            return null;
        }
        if (id == -2L) {
            problems.add("response.not-your-student");
            return null;
        }
        return id;
    }

    private long selfOrMissing(CurrentUser me) {
        if (me.is(Role.STUDENT)) {
            return me.id();
        }
        throw ApiException.badRequest("response.student-required");
    }

    private String checkContent(ResponseSource source, Instant answeredAt) {
        if (source == ResponseSource.SIMULATED) {
            return "response.source-reserved";
        }
        if (answeredAt != null && answeredAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
            return "response.in-future";
        }
        return null;
    }

    /** The mark to store: as given, or from the answer key; null when neither is possible. */
    private static Mark mark(ItemRef item, Boolean correct, Double score, String answer) {
        if (correct == null && score == null) {
            correct = item.mark(answer).orElse(null);
            if (correct == null) {
                return null;
            }
        }
        if (score == null) {
            score = correct ? 1.0 : 0.0;
        }
        return new Mark(correct, score);
    }

    private static Double parseScore(String text, List<String> problems) {
        if (text == null) {
            return null;
        }
        try {
            double score = Double.parseDouble(text);
            if (score >= 0 && score <= 1) {
                return score;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("response.score-invalid");
        return null;
    }

    private static Long parseTime(String text, List<String> problems) {
        if (text == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(text);
            if (ms >= 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("response.time-invalid");
        return null;
    }

    private static Instant parseInstant(String text, List<String> problems) {
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            problems.add("response.time-format");
            return null;
        }
    }

    private String describe(String key) {
        return messages.getMessage(key, null, key, LocaleContextHolder.getLocale());
    }

    private record Mark(Boolean correct, Double score) {
    }
}
