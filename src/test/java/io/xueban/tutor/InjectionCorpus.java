package io.xueban.tutor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The prompt-injection attempts of {@code src/test/resources/safety/injections.tsv}. */
final class InjectionCorpus {

    record Attempt(String kind, String language, String text) {
        boolean planted() {
            return kind.equals("PLANTED");
        }
    }

    private InjectionCorpus() {
    }

    static List<Attempt> load() throws IOException {
        try (InputStream in = InjectionCorpus.class.getClassLoader().getResourceAsStream("safety/injections.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\t", 3))
                    .map(parts -> new Attempt(parts[0], parts[1], parts[2]))
                    .toList();
        }
    }
}
