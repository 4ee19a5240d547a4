package io.xueban.web;

import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * The messages the page scripts show (keys starting {@code js.} in the message bundles), as a
 * JSON object that a page embeds: scripts hold no text of their own.
 */
@Component
class PageMessages {

    private final JsonMapper json;
    private final Map<Locale, String> byLocale = new ConcurrentHashMap<>();

    PageMessages(JsonMapper json) {
        this.json = json;
    }

    /** JSON safe to place inside a script element. */
    String json(Locale locale) {
        return byLocale.computeIfAbsent(locale, this::load);
    }

    private String load(Locale locale) {
        // The bundles fall back to messages.properties (English); Chinese is messages_zh.
        ResourceBundle bundle = ResourceBundle.getBundle("messages", locale, ResourceBundle.Control
                .getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        Map<String, String> messages = new TreeMap<>();
        for (String key : bundle.keySet()) {
            if (key.startsWith("js.")) {
                messages.put(key.substring("js.".length()), bundle.getString(key));
            }
        }
        return json.writeValueAsString(messages).replace("<", "\\u003c");
    }
}
