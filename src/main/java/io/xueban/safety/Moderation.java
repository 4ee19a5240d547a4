package io.xueban.safety;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.validation.constraints.NotNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.UserMessage;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;

/**
 * Reads what students send and what the model answers them: the school's phrase lists (after
 * folding width, case, spaces and punctuation, so "想 自 杀" is caught), patterns of personal data
 * (phone and ID numbers), and, as the school's strictness asks, a model classifier (role chat).
 * The classifier can only add a finding; when no model is free the lists still stand.
 */
@Service
public class Moderation {

    private static final Logger log = LoggerFactory.getLogger(Moderation.class);
    private static final Pattern PHONE = Pattern.compile("(?<!\\d)1[3-9]\\d{9}(?!\\d)");
    private static final Pattern ID_NUMBER = Pattern.compile("(?<!\\d)\\d{17}[\\dXx](?!\\d)");
    private static final Pattern NOISE = Pattern.compile("[\\s\\p{Punct}\\p{IsPunctuation}·•_~～]+");

    /** Who wrote the text: a student, or the model answering one. */
    public enum Direction { IN, OUT }

    /** @param source "keyword", "pattern" or "classifier"; null when nothing was found */
    public record Verdict(Category category, String source, String matched) {

        public static final Verdict CLEAN = new Verdict(null, null, null);

        public boolean flagged() {
            return category != null;
        }

        public Category.Severity severity() {
            return category == null ? null : category.severity();
        }
    }

    /** What the classifier answers: one category, or NONE. */
    record Classification(@NotNull String category) {
    }

    private final SafetySettingsStore settings;
    private final LlmGateway gateway;
    private final PromptTemplates prompts;

    Moderation(SafetySettingsStore settings, LlmGateway gateway, PromptTemplates prompts) {
        this.settings = settings;
        this.gateway = gateway;
        this.prompts = prompts;
    }

    /** Lists and patterns, then the classifier when the school's strictness asks for it here. */
    public Verdict check(long schoolId, long userId, String text, Direction direction) {
        SafetySettings school = settings.of(schoolId);
        Verdict listed = byLists(school, text);
        if (listed.flagged()) {
            return listed;
        }
        boolean classify = switch (school.strictness()) {
            case LOW -> false;
            case MEDIUM -> direction == Direction.IN;
            case HIGH -> true;
        };
        return classify ? classify(userId, text) : Verdict.CLEAN;
    }

    /** The school's phrase lists and the personal-data patterns alone (no model, no database): cheap enough for a stream. */
    public static Verdict byLists(SafetySettings school, String text) {
        String folded = fold(text);
        for (Category category : Category.values()) {
            for (String phrase : school.keywords().getOrDefault(category, List.of())) {
                String key = fold(phrase);
                if (!key.isEmpty() && folded.contains(key)) {
                    return new Verdict(category, "keyword", phrase);
                }
            }
        }
        if (PHONE.matcher(text).find() || ID_NUMBER.matcher(text).find()) {
            return new Verdict(Category.PERSONAL_INFO, "pattern", null);
        }
        return Verdict.CLEAN;
    }

    /** Width, case, spaces and punctuation folded away: evasions by spacing or full-width letters are caught. */
    static String fold(String text) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return NOISE.matcher(normal).replaceAll("");
    }

    private Verdict classify(long userId, String text) {
        String prompt = prompts.render("safety/classify", Map.of("text",
                PromptTemplates.quoted(text)));
        try {
            Classification result = gateway.generate(LlmCall.of(ModelRole.CHAT, Priority.STUDENT, userId,
                            List.of(UserMessage.from(prompt))).withTemperature(0),
                    Classification.class, c -> c.category().equals("NONE") || isCategory(c.category()) ? List.of()
                            : List.of("category must be NONE or one of " + List.of(Category.values())));
            return result.category().equals("NONE") ? Verdict.CLEAN
                    : new Verdict(Category.valueOf(result.category()), "classifier", null);
        } catch (LlmException e) {
            log.debug("Moderation classifier unavailable ({}); the lists stand alone", e.code());
            return Verdict.CLEAN;
        }
    }

    private static boolean isCategory(String name) {
        for (Category category : Category.values()) {
            if (category.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
