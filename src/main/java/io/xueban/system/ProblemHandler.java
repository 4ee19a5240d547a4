package io.xueban.system;

import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** The one place where exceptions become RFC 9457 problem+json; never a stack trace. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final Problems problems;

    ProblemHandler(Problems problems) {
        this.problems = problems;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> handleApi(ApiException e, Locale locale) {
        var response = ResponseEntity.status(e.status());
        if (e.properties().get("retryAfterSeconds") instanceof Number seconds) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds.longValue()));
        }
        return response.body(problems.of(e, locale));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> handleIntegrity(DataIntegrityViolationException e, Locale locale) {
        // Services check what they can first; this catches races such as two concurrent inserts.
        log.info("Rejected by a database constraint: {}", e.getMostSpecificCause().getMessage());
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(problems.of(HttpStatus.CONFLICT, "constraint", locale));
    }

    /** No database connection came free in time: the server is overloaded, not broken. */
    @ExceptionHandler(CannotGetJdbcConnectionException.class)
    ResponseEntity<ProblemDetail> handleNoConnection(CannotGetJdbcConnectionException e, Locale locale) {
        log.warn("No database connection in time: {}", e.getMostSpecificCause().getMessage());
        long retryAfter = 5;
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
                .body(problems.of(HttpStatus.SERVICE_UNAVAILABLE, "database-busy", locale, retryAfter));
    }

    /** A multipart body cut off by the size limit, or not a well-formed multipart body. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> handleMultipart(MultipartException e, Locale locale) {
        BodyTooLargeException tooLarge = causeOf(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .body(problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", locale, tooLarge.limitBytes()));
        }
        return ResponseEntity.badRequest().body(problems.of(HttpStatus.BAD_REQUEST, "multipart-malformed", locale));
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .body(problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", LocaleContextHolder.getLocale(),
                        e.getMaxUploadSize()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> handleUnexpected(Exception e, Locale locale) {
        log.error("Unexpected error", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", locale));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Locale locale = LocaleContextHolder.getLocale();
        List<FieldProblem> fields = e.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(), error.getDefaultMessage()))
                .toList();
        ProblemDetail problem = problems.of(HttpStatus.BAD_REQUEST, "invalid-fields", locale,
                fields.stream().map(FieldProblem::field).distinct().toList().toString());
        problem.setProperty("errors", fields);
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> fields = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> new FieldProblem(result.getMethodParameter().getParameterName(),
                                error.getDefaultMessage())))
                .toList();
        ProblemDetail problem = problems.of(HttpStatus.BAD_REQUEST, "invalid-fields", LocaleContextHolder.getLocale(),
                fields.stream().map(FieldProblem::field).distinct().toList().toString());
        problem.setProperty("errors", fields);
        return ResponseEntity.badRequest().body(problem);
    }

    /** An unknown address: problem+json for API clients, the error page (via the servlet's error) for people. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (!ApiPaths.isApi("/" + e.getResourcePath()) && request instanceof ServletWebRequest servlet && servlet.getResponse() != null) {
            try {
                servlet.getResponse().sendError(HttpStatus.NOT_FOUND.value());
                return null;
            } catch (java.io.IOException gone) {
                return null; // the browser left
            }
        }
        return super.handleNoResourceFoundException(e, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Locale locale = LocaleContextHolder.getLocale();
        if (causeOf(e, BodyTooLargeException.class) != null) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .body(problems.of(HttpStatus.CONTENT_TOO_LARGE, "body-too-large", locale,
                            causeOf(e, BodyTooLargeException.class).limitBytes()));
        }
        UnrecognizedPropertyException unknown = causeOf(e, UnrecognizedPropertyException.class);
        if (unknown != null) {
            return ResponseEntity.badRequest()
                    .body(problems.of(HttpStatus.BAD_REQUEST, "unknown-field", locale, unknown.getPropertyName()));
        }
        DatabindException databind = causeOf(e, DatabindException.class);
        if (databind != null && !databind.getPath().isEmpty()) {
            String field = fieldPath(databind);
            return ResponseEntity.badRequest()
                    .body(problems.of(HttpStatus.BAD_REQUEST, "unreadable-field", locale, field));
        }
        return ResponseEntity.badRequest().body(problems.of(HttpStatus.BAD_REQUEST, "unreadable-body", locale));
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // Spring's own MVC exceptions (405, 406, 415, missing parameter...) also get a code.
        if (body instanceof ProblemDetail problem && problem.getProperties() == null) {
            problem.setProperty("code", "http-" + statusCode.value());
        }
        return super.createResponseEntity(body, headers, statusCode, request);
    }

    private static String fieldPath(DatabindException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    record FieldProblem(String field, String message) {
    }
}
