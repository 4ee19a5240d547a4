package io.xueban.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.xueban.XuebanApplication;

/** The app in process for benchmarks that drive its services directly. */
public final class BenchApp {

    private BenchApp() {
    }

    /**
     * Starts the app on a fresh data directory and in-memory H2, without the demo school and
     * without a model server, on a free port. Settings go in as command-line arguments, which win
     * over application.yml (default properties would not); {@code extra} adds more.
     */
    public static ConfigurableApplicationContext start(String name, String... extra) throws IOException {
        Path data = Files.createTempDirectory("xueban-bench-" + name);
        List<String> args = new ArrayList<>(List.of(
                "--xueban.data-dir=" + data,
                "--spring.datasource.url=jdbc:h2:mem:bench;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "--xueban.demo.enabled=false",
                "--xueban.llm.backends[0].base-url=http://127.0.0.1:9",
                // Never the built-in model unless a benchmark asks for it (it would be downloaded).
                "--xueban.llm.mode=configured",
                "--server.port=0",
                "--logging.level.root=warn"));
        // A setting given again replaces the default (Spring would join repeated command-line values with commas).
        for (String arg : extra) {
            String key = arg.substring(0, arg.indexOf('=') + 1);
            args.removeIf(existing -> !key.isEmpty() && existing.startsWith(key));
        }
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(XuebanApplication.class).run(args.toArray(String[]::new));
    }
}
