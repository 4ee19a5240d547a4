package io.xueban.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every message a template or a page script names exists in Chinese and in English (templates
 * hold no text of their own; the scripts take theirs from the js.* keys). Keys built at run time
 * are checked by the browser tests, which fail on any message a page could not find.
 */
class PageMessagesTest {

    static final Path TEMPLATES = Path.of("src/main/resources/templates");
    static final Path SCRIPTS = Path.of("src/main/resources/static/js");
    static final Pattern TEMPLATE_KEY = Pattern.compile("#\\{([a-z][A-Za-z0-9.\\-]*[A-Za-z0-9])[}(]");
    static final Pattern SCRIPT_KEY = Pattern.compile("\\bt\\('([a-z][A-Za-z0-9.\\-]*)'");
    /** Han characters and the full-width punctuation that joins Chinese text: bundle material, not script. */
    static final Pattern CHINESE = Pattern.compile("[\\u4e00-\\u9fff\\u3001\\u3002\\uff08\\uff09\\uff0c\\uff1a\\uff1b]");
    static final Pattern INLINE_SCRIPT = Pattern.compile("<script>([\\s\\S]*?)</script>");

    @Test
    void everyMessageATemplateNamesExistsInBothLanguages() throws IOException {
        Set<String> keys = found(TEMPLATES, ".html", TEMPLATE_KEY, "");
        keys.addAll(found(TEMPLATES, ".html", SCRIPT_KEY, "js."));
        assertThat(keys).hasSizeGreaterThan(100);
        assertThat(missing(keys, "messages_zh.properties")).as("missing from messages_zh.properties").isEmpty();
        assertThat(missing(keys, "messages.properties")).as("missing from messages.properties").isEmpty();
    }

    @Test
    void everyMessageAScriptNamesExistsInBothLanguages() throws IOException {
        Set<String> keys = found(SCRIPTS, ".js", SCRIPT_KEY, "js.");
        assertThat(keys).hasSizeGreaterThan(50);
        assertThat(missing(keys, "messages_zh.properties")).as("missing from messages_zh.properties").isEmpty();
        assertThat(missing(keys, "messages.properties")).as("missing from messages.properties").isEmpty();
    }

    @Test
    void scriptsHoldNoChineseTextOfTheirOwn() throws IOException {
        int checked = 0;
        try (Stream<Path> files = Files.walk(SCRIPTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                checked += checkCode(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        try (Stream<Path> files = Files.walk(TEMPLATES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                Matcher inline = INLINE_SCRIPT.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (inline.find()) {
                    checked += checkCode(file + " (inline script)", inline.group(1));
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    /** Fails on a line of code with Chinese words or punctuation; comments and input parsing (split) may have them. */
    private static int checkCode(String where, String code) {
        int lines = 0;
        for (String line : code.split("\n")) {
            String withoutComment = line.replaceAll("^\\s*(//|/?\\*).*", "").replaceAll("\\s//\\s.*$", "");
            if (!withoutComment.contains(".split(")) {
                assertThat(CHINESE.matcher(withoutComment).find()).as("%s: %s", where, line).isFalse();
            }
            lines++;
        }
        return lines;
    }

    private static Set<String> found(Path root, String suffix, Pattern pattern, String prefix) throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
                Matcher matcher = pattern.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (matcher.find()) {
                    keys.add(prefix + matcher.group(1));
                }
            }
        }
        return keys;
    }

    private static Set<String> missing(Set<String> keys, String bundle) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources", bundle), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Set<String> missing = new TreeSet<>(keys);
        missing.removeAll(properties.stringPropertyNames());
        return missing;
    }
}
