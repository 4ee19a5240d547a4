package io.xueban.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Prompt files {@code prompts/<feature>/<name>.md} with {@code {{variable}}} placeholders. A file
 * in the override directory ({@code xueban.prompts.dir}) wins over the one in the jar and is read
 * again when it changes, so a school can edit prompts without a restart. Rendering with a
 * variable missing is an error, never a silent blank.
 */
public class PromptTemplates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z][A-Za-z0-9_]*)\\s*}}");

    private static final String NAME = "[a-z0-9-]+(/[a-z0-9-]+)*";

    private final Path overrideDir;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();

    public PromptTemplates(Path overrideDir) {
        this.overrideDir = overrideDir;
    }

    /**
     * Text that goes into a prompt as quoted data (students' words, library passages, teachers'
     * notes): angle brackets become their full-width forms, so it cannot close the block it sits
     * in or open a new one.
     */
    public static String quoted(String text) {
        return text.replace('<', '＜').replace('>', '＞');
    }

    /** The prompt {@code name} (e.g. {@code "llm/repair"}) with every placeholder filled in. */
    public String render(String name, Map<String, ?> variables) {
        Template template = template(name);
        for (String needed : template.variables()) {
            if (!variables.containsKey(needed) || variables.get(needed) == null) {
                throw new IllegalArgumentException("Prompt " + name + " needs the variable '" + needed + "'"
                        + " (given: " + variables.keySet() + ")");
            }
        }
        Matcher matcher = PLACEHOLDER.matcher(template.text());
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(variables.get(matcher.group(1)))));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The variables a prompt needs, for checks at start-up. */
    public Set<String> variables(String name) {
        return template(name).variables();
    }

    /** Every prompt, by name, as it is used now: the school's override where there is one, else the packaged file. */
    public List<PromptFile> files() {
        SortedSet<String> names = new TreeSet<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:prompts/**/*.md")) {
                String url = resource.getURL().toString();
                names.add(url.substring(url.lastIndexOf("prompts/") + "prompts/".length(), url.length() - ".md".length()));
            }
            if (overrideDir != null && Files.isDirectory(overrideDir)) {
                try (Stream<Path> files = Files.walk(overrideDir)) {
                    files.filter(file -> file.toString().endsWith(".md")).forEach(file -> {
                        String relative = overrideDir.relativize(file).toString().replace('\\', '/');
                        names.add(relative.substring(0, relative.length() - ".md".length()));
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the prompt files", e);
        }
        return names.stream()
                .filter(name -> name.matches(NAME))
                .map(name -> {
                    boolean overridden = overrideDir != null && Files.isRegularFile(overrideDir.resolve(name + ".md"));
                    return new PromptFile(name, overridden, template(name).text(), template(name).variables());
                })
                .toList();
    }

    /** A prompt file as the application reads it. */
    public record PromptFile(String name, boolean overridden, String text, Set<String> variables) {
    }

    private Template template(String name) {
        if (!name.matches(NAME)) {
            throw new IllegalArgumentException("Not a prompt name: " + name);
        }
        Path override = overrideDir == null ? null : overrideDir.resolve(name + ".md");
        if (override != null && Files.isRegularFile(override)) {
            try {
                FileTime modified = Files.getLastModifiedTime(override);
                Loaded loaded = cache.get(name);
                if (loaded == null || !modified.equals(loaded.modified())) {
                    loaded = new Loaded(parse(Files.readString(override, StandardCharsets.UTF_8)), modified);
                    cache.put(name, loaded);
                }
                return loaded.template();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read prompt " + override, e);
            }
        }
        return cache.computeIfAbsent(name, n -> new Loaded(parse(readPackaged(n)), null)).template();
    }

    private static String readPackaged(String name) {
        ClassPathResource resource = new ClassPathResource("prompts/" + name + ".md");
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("No prompt named " + name + " (prompts/" + name + ".md)", e);
        }
    }

    private static Template parse(String text) {
        Set<String> variables = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            variables.add(matcher.group(1));
        }
        int stray = text.replaceAll(PLACEHOLDER.pattern(), "").indexOf("{{");
        if (stray >= 0) {
            throw new IllegalArgumentException("Malformed placeholder near: "
                    + text.substring(stray, Math.min(text.length(), stray + 30)));
        }
        return new Template(text, Set.copyOf(variables));
    }

    private record Template(String text, Set<String> variables) {
    }

    private record Loaded(Template template, FileTime modified) {
    }
}
