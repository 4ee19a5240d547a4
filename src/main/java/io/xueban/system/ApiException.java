package io.xueban.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A failure the client can act on. Rendered as RFC 9457 problem+json by {@link ProblemHandler}:
 * {@code messageKey} and {@code args} name a localized message in {@code messages*.properties}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final Object[] args;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public ApiException(HttpStatus status, String code, Object... args) {
        super(code);
        this.status = status;
        this.code = code;
        this.args = args;
    }

    /** A record that does not exist, or belongs to another school (the two are not told apart). */
    public static ApiException notFound(String entity, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "not-found", new Entity(entity), id);
    }

    public static ApiException forbidden(String code, Object... args) {
        return new ApiException(HttpStatus.FORBIDDEN, code, args);
    }

    public static ApiException badRequest(String code, Object... args) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, args);
    }

    public static ApiException conflict(String code, Object... args) {
        return new ApiException(HttpStatus.CONFLICT, code, args);
    }

    /** Rows of an import that failed; the import as a whole is rejected. */
    public static ApiException invalidRows(List<RowError> errors) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-rows", errors.size())
                .with("errors", errors);
    }

    public ApiException with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    @Override
    public String getMessage() {
        return args.length == 0 ? code : code + " " + java.util.Arrays.toString(args);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Object[] args() {
        return args;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** An entity name inside message arguments, localized through the key {@code entity.<name>}. */
    public record Entity(String name) {
    }

    /** One bad row of an imported file: its 1-based line number in the file and what is wrong. */
    public record RowError(int row, String message) {
    }
}
