package io.xueban.llm;

import java.lang.reflect.RecordComponent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a model's text into a validated record. Models wrap JSON in Markdown fences, stop
 * mid-object when they run out of tokens, leave trailing commas and add fields nobody asked for:
 * each is handled here before the text is judged. What is still wrong is described in words the
 * repair prompt can quote.
 */
final class StructuredOutput {

    private final JsonMapper lenient = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();
    private final Validator validator;

    StructuredOutput(Validator validator) {
        this.validator = validator;
    }

    /** The parsed value, or the problems found (never both). */
    record Result<T>(T value, String problem) {
    }

    <T> Result<T> parse(String raw, Class<T> type, Function<T, List<String>> rules) {
        String json = extractJson(raw);
        if (json == null) {
            return new Result<>(null, "the reply contains no JSON object");
        }
        T value;
        try {
            value = lenient.readValue(json, type);
        } catch (RuntimeException e) {
            return new Result<>(null, "the JSON does not fit the format: " + firstLine(e.getMessage()));
        }
        if (value == null) {
            return new Result<>(null, "the reply is empty");
        }
        List<String> problems = new ArrayList<>();
        for (ConstraintViolation<T> violation : validator.validate(value)) {
            problems.add(violation.getPropertyPath() + ": " + violation.getMessage());
        }
        if (problems.isEmpty() && rules != null) {
            problems.addAll(rules.apply(value));
        }
        return problems.isEmpty() ? new Result<>(value, null) : new Result<>(null, String.join("; ", problems));
    }

    /** "title (String), minutes (int)": the fields a record needs, for the repair prompt. */
    static String describe(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            return type.getSimpleName();
        }
        return java.util.Arrays.stream(components)
                .map(c -> c.getName() + " (" + c.getGenericType().getTypeName().replaceAll("[\\w.]+\\.", "") + ")")
                .collect(Collectors.joining(", "));
    }

    /**
     * The JSON value in a reply: thinking removed, Markdown fences removed, the first object or
     * array taken, and a value cut off mid-way closed again. Null when there is none.
     */
    static String extractJson(String raw) {
        if (raw == null) {
            return null;
        }
        String text = ThinkTagFilter.strip(raw);
        int fence = text.indexOf("```");
        if (fence >= 0) {
            int bodyStart = text.indexOf('\n', fence);
            int end = bodyStart < 0 ? -1 : text.indexOf("```", bodyStart);
            text = bodyStart < 0 ? text.substring(fence + 3) : end < 0 ? text.substring(bodyStart + 1)
                    : text.substring(bodyStart + 1, end);
        }
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{' || c == '[') {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return null;
        }
        Deque<Character> open = new ArrayDeque<>();
        boolean inString = false;
        boolean escaped = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{' -> open.push('}');
                case '[' -> open.push(']');
                case '}', ']' -> {
                    open.poll();
                    if (open.isEmpty()) {
                        return text.substring(start, i + 1);
                    }
                }
                default -> { }
            }
        }
        return close(text.substring(start), open, inString, escaped);
    }

    /** Closes a value that was cut off: the open string, a dangling key or comma, then the brackets. */
    private static String close(String truncated, Deque<Character> open, boolean inString, boolean escaped) {
        StringBuilder json = new StringBuilder(truncated);
        if (escaped) {
            json.setLength(json.length() - 1);
        }
        if (inString) {
            json.append('"');
        }
        while (true) {
            String trimmed = json.toString().stripTrailing();
            json.setLength(trimmed.length());
            if (trimmed.endsWith(",")) {
                json.setLength(json.length() - 1);
            } else if (trimmed.endsWith(":")) {
                // a key without its value: drop the key as well
                int keyEnd = trimmed.lastIndexOf('"', trimmed.length() - 2);
                int keyStart = keyEnd <= 0 ? -1 : trimmed.lastIndexOf('"', keyEnd - 1);
                json.setLength(Math.max(keyStart, 0));
            } else if (!open.isEmpty() && open.peek() == '}' && endsWithBareKey(trimmed)) {
                int keyStart = trimmed.lastIndexOf('"', trimmed.length() - 2);
                json.setLength(keyStart);
            } else {
                break;
            }
        }
        while (!open.isEmpty()) {
            json.append(open.pop());
        }
        return json.toString();
    }

    /** Inside an object, a string right after '{' or ',' is a key still waiting for its value. */
    private static boolean endsWithBareKey(String text) {
        if (!text.endsWith("\"")) {
            return false;
        }
        int keyStart = text.lastIndexOf('"', text.length() - 2);
        if (keyStart < 0) {
            return false;
        }
        String before = text.substring(0, keyStart).stripTrailing();
        return before.endsWith("{") || before.endsWith(",");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
