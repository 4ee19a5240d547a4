package io.xueban.safety;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.stereotype.Service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.xueban.knowledge.Embeddings;

/**
 * Reads what students send and what the model answers them: the school's phrase lists (after
 * folding width, case, spaces and punctuation, so "想 自 杀" is caught), patterns of personal data
 * (phone and ID numbers), and, as the school's strictness asks, a classifier that runs in
 * process ({@link TwoLooks}: an n-gram screen, and for what it is not sure of, a head over the
 * message's embedding): moderating a message costs no model call, under a millisecond for most
 * messages and about 10 ms for the rest. The classifier only adds findings; it never clears
 * one the lists made.
 */
@Service
public class Moderation {

    private static final Pattern PHONE = Pattern.compile("(?<!\\d)1[3-9]\\d{9}(?!\\d)");
    private static final Pattern ID_NUMBER = Pattern.compile("(?<!\\d)\\d{17}[\\dXx](?!\\d)");
    private static final Pattern NOISE = Pattern.compile("[\\s\\p{Punct}\\p{IsPunctuation}·•_~～]+");
    /** Each school's phrases folded once, keyed by the settings object they came from. */
    private static final Cache<SafetySettings, List<Phrase>> FOLDED = Caffeine.newBuilder().weakKeys().build();

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

    private record Phrase(Category category, String phrase, String folded) {
    }

    /**
     * The in-process classifier: the n-gram screen decides alone when it is sure a message is
     * harmless; otherwise the embedding head has the last word. When no embedding can be made
     * (the JVM is shutting down, the model failed to load) the screen decides alone.
     */
    record TwoLooks(ModerationClassifier screen, ModerationHead head, double surelyHarmless) {

        /**
         * Five-fold cross-validation on the training corpus found 0.8, 0.9 and 0.95 close (0.88 to
         * 0.90 of concerning lines found, 1.6% of harmless ones flagged); 0.9 asks the head less
         * often than 0.95 (BENCHMARKS.md, "Moderation").
         */
        static final double SURELY_HARMLESS = 0.9;

        Category classify(String text, Function<String, float[]> embed) {
            ModerationClassifier.Prediction first = screen.predict(text);
            if (first.category() == null && first.probability() >= surelyHarmless) {
                return null;
            }
            float[] vector;
            try {
                vector = embed.apply(text);
            } catch (RuntimeException unavailable) {
                return screen.classify(text);
            }
            return head.classify(vector);
        }
    }

    private final SafetySettingsStore settings;
    private final Embeddings embeddings;
    private final TwoLooks classifier = new TwoLooks(ModerationClassifier.shipped(), ModerationHead.shipped(),
            TwoLooks.SURELY_HARMLESS);

    Moderation(SafetySettingsStore settings, Embeddings embeddings) {
        this.settings = settings;
        this.embeddings = embeddings;
    }

    /** Lists and patterns, then the classifier when the school's strictness asks for it here. */
    public Verdict check(long schoolId, String text, Direction direction) {
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
        Category found = classify ? classifier.classify(text, embeddings::sentence) : null;
        return found == null ? Verdict.CLEAN : new Verdict(found, "classifier", null);
    }

    /** The school's phrase lists and the personal-data patterns alone (no model, no database): cheap enough for a stream. */
    public static Verdict byLists(SafetySettings school, String text) {
        String folded = fold(text);
        for (Phrase phrase : FOLDED.get(school, Moderation::folded)) {
            if (folded.contains(phrase.folded())) {
                return new Verdict(phrase.category(), "keyword", phrase.phrase());
            }
        }
        if (PHONE.matcher(text).find() || ID_NUMBER.matcher(text).find()) {
            return new Verdict(Category.PERSONAL_INFO, "pattern", null);
        }
        return Verdict.CLEAN;
    }

    private static List<Phrase> folded(SafetySettings school) {
        List<Phrase> phrases = new ArrayList<>();
        for (Category category : Category.values()) {
            for (String phrase : school.keywords().getOrDefault(category, List.of())) {
                String key = fold(phrase);
                if (!key.isEmpty()) {
                    phrases.add(new Phrase(category, phrase, key));
                }
            }
        }
        return List.copyOf(phrases);
    }

    /** Width, case, spaces and punctuation folded away: evasions by spacing or full-width letters are caught. */
    static String fold(String text) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return NOISE.matcher(normal).replaceAll("");
    }
}
