package io.xueban.system;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.LocaleResolver;

import tools.jackson.databind.json.JsonMapper;

/**
 * Builds localized problem details, and writes them from places that run before Spring MVC
 * (servlet filters, security entry points).
 */
@Component
public class Problems {

    private final MessageSource messages;
    private final LocaleResolver localeResolver;
    private final JsonMapper json;

    Problems(MessageSource messages, LocaleResolver localeResolver, JsonMapper json) {
        this.messages = messages;
        this.localeResolver = localeResolver;
        this.json = json;
    }

    public ProblemDetail of(HttpStatus status, String code, Locale locale, Object... args) {
        Object[] localizedArgs = Arrays.stream(args)
                .map(arg -> switch (arg) {
                    case ApiException.Entity entity -> message("entity." + entity.name(), locale);
                    // Ids and counts read as plain digits, never "987,654,321".
                    case Number number -> number.toString();
                    case null, default -> arg;
                })
                .toArray();
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create("/problems/" + code));
        problem.setTitle(message("problem." + code + ".title", locale, status.getReasonPhrase()));
        problem.setDetail(messages.getMessage("problem." + code, localizedArgs, code, locale));
        problem.setProperty("code", code);
        return problem;
    }

    public ProblemDetail of(ApiException e, Locale locale) {
        ProblemDetail problem = of(e.status(), e.code(), locale, e.args());
        e.properties().forEach(problem::setProperty);
        return problem;
    }

    public Locale localeOf(HttpServletRequest request) {
        return localeResolver.resolveLocale(request);
    }

    public void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
                      String code, Object... args) throws IOException {
        ProblemDetail problem = of(status, code, localeOf(request), args);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), problem);
    }

    private String message(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }

    private String message(String key, Locale locale, String fallback) {
        return messages.getMessage(key, null, fallback, locale);
    }
}
