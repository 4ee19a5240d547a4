package io.xueban.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

import io.xueban.system.ApiException;

/**
 * Which passwords an account may have: long enough (longer for staff, whose accounts reach every
 * student of their classes), not one that guessers try first (a list of common passwords, runs
 * such as {@code 12345678} or {@code abcdefgh}, keyboard rows, one character repeated), and not
 * the username. Length beats composition rules, so nothing demands digits or symbols.
 */
@Component
public class PasswordRules {

    public static final int MIN_STUDENT = 8;
    public static final int MIN_STAFF = 10;
    public static final int MAX = 200;

    /** Keyboard rows and the alphabet, each forwards and backwards. */
    private static final List<String> RUNS = Stream.of("1234567890", "qwertyuiop",
                    "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")
            .flatMap(row -> Stream.of(row, new StringBuilder(row).reverse().toString()))
            .toList();

    private final Set<String> common;

    PasswordRules() {
        this.common = load();
    }

    /** The problem code (and its argument) if the password is not allowed for an account of this role. */
    public Optional<ApiException> problem(String password, Role role, String username) {
        int min = role == Role.STUDENT ? MIN_STUDENT : MIN_STAFF;
        if (password.length() < min || password.length() > MAX) {
            return Optional.of(ApiException.badRequest("password-length", min, MAX));
        }
        String folded = password.toLowerCase(Locale.ROOT);
        if (username != null && username.length() >= 3 && folded.contains(username.toLowerCase(Locale.ROOT))) {
            return Optional.of(ApiException.badRequest("password-like-username"));
        }
        if (common.contains(folded) || common.contains(stripTrailingDigits(folded)) || guessable(folded)) {
            return Optional.of(ApiException.badRequest("password-common"));
        }
        return Optional.empty();
    }

    /** Refuses a password that is not allowed (400 with a sentence saying why). */
    public void check(String password, Role role, String username) {
        Optional<ApiException> problem = problem(password, role, username);
        if (problem.isPresent()) {
            throw problem.get();
        }
    }

    /**
     * One or two characters repeated, or pieces of keyboard rows or the alphabet, forwards or
     * backwards ("12341234", "qwerty123", "987654321"): what guessers try right after the list.
     */
    static boolean guessable(String password) {
        if (password.chars().distinct().count() <= 2) {
            return true;
        }
        int i = 0;
        while (i < password.length()) {
            int longest = 0;
            for (String row : RUNS) {
                longest = Math.max(longest, runAt(password, i, row));
            }
            // A short piece is allowed only at the end, as in "qwerty12".
            if (longest < 3 && !(longest > 0 && i + longest == password.length())) {
                return false;
            }
            i += longest;
        }
        return true;
    }

    /** How many characters from {@code i} on follow {@code row}. */
    private static int runAt(String password, int i, String row) {
        int start = row.indexOf(password.charAt(i));
        if (start < 0) {
            return 0;
        }
        int length = 1;
        while (i + length < password.length() && start + length < row.length()
                && password.charAt(i + length) == row.charAt(start + length)) {
            length++;
        }
        return length;
    }

    private static String stripTrailingDigits(String password) {
        int end = password.length();
        while (end > 0 && Character.isDigit(password.charAt(end - 1))) {
            end--;
        }
        return password.substring(0, end);
    }

    private static Set<String> load() {
        Set<String> words = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new ClassPathResource("security/common-passwords.txt").getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .forEach(line -> words.add(line.toLowerCase(Locale.ROOT)));
        } catch (IOException e) {
            throw new UncheckedIOException("security/common-passwords.txt is missing from the build", e);
        }
        return Set.copyOf(words);
    }
}
