package io.xueban.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import io.xueban.TestSchools;
import io.xueban.demo.DemoSchool;
import io.xueban.llm.ScriptedBackend;
import io.xueban.llm.ScriptedModelServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browser tests: the whole app on a random port with the scripted model server as its only
 * backend (one server and so one application context for all of them; its daemon thread ends
 * with the JVM), and a fresh headless Chromium per test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(TestSchools.class)
abstract class PagesTest {

    static final ScriptedModelServer SERVER = ScriptedBackend.start();
    /** The demo school's published password (README). */
    static final String DEMO_PASSWORD = "xueban2026";

    @DynamicPropertySource
    static void backend(DynamicPropertyRegistry registry) {
        ScriptedBackend.register(registry, SERVER);
        registry.add("xueban.llm.rate-limit.per-minute", () -> 1000);
    }

    @LocalServerPort
    int port;
    @Autowired
    DemoSchool demo;
    @Autowired
    TestSchools schools;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;
    @Autowired
    MockMvc mvc;

    Browser browser;

    /** The window: a laptop's unless a test class says otherwise. */
    int[] windowSize() {
        return new int[] {1366, 900};
    }

    @BeforeEach
    void openBrowser() {
        SERVER.reset();
        int[] size = windowSize();
        browser = Browser.open(port, size[0], size[1]);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    long demoSchool() {
        demo.load();
        return jdbc.sql("SELECT id FROM school WHERE code = 'demo'").query(Long.class).single();
    }

    long demoClass(String name) {
        return jdbc.sql("SELECT id FROM class_group WHERE school_id = ? AND name = ?").params(demoSchool(), name)
                .query(Long.class).single();
    }
}
