package io.xueban.system;

import java.util.List;

/**
 * Which addresses belong to the API (and answer machines: problem+json, Accept-Language) rather
 * than to the pages people open.
 */
public final class ApiPaths {

    /** The API's addresses as path patterns. */
    public static final List<String> PATTERNS = List.of("/api/**", "/v1/**", "/actuator/**");

    private ApiPaths() {
    }

    /** Whether a path (without the context path) is one of the API's. */
    public static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/v1/") || path.startsWith("/actuator");
    }
}
