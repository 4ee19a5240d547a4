package io.xueban.curriculum;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What other features need to know of an item: whose it is, and how to mark an answer to it. */
public record ItemRef(long id, long schoolId, String code, ItemType type, String answerKey) {

    /**
     * Marks an answer against the key: choice letters in any order and case, fill-in answers
     * against each {@code |}-separated accepted form, ignoring spaces and full-width forms.
     * Empty for open items, which need a person (or a model) to score them.
     */
    public Optional<Boolean> mark(String answer) {
        if (answer == null || type == ItemType.OPEN) {
            return Optional.empty();
        }
        return Optional.of(switch (type) {
            case SINGLE_CHOICE, MULTIPLE_CHOICE -> letters(answer).equals(letters(answerKey));
            case FILL_IN -> Arrays.stream(answerKey.split("\\|"))
                    .map(ItemRef::normalize)
                    .anyMatch(normalize(answer)::equals);
            case OPEN -> throw new IllegalStateException("open items are not marked automatically");
        });
    }

    static String letters(String answer) {
        return normalize(answer).chars()
                .filter(Character::isLetter)
                .map(Character::toUpperCase)
                .distinct()
                .sorted()
                .mapToObj(Character::toString)
                .collect(Collectors.joining());
    }

    static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC)
                .replace('\u2212', '-') // the minus sign of typeset maths, as students type it
                .replaceAll("\\s+", "")
                .toLowerCase(Locale.ROOT);
    }
}
