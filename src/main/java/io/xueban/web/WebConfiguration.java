package io.xueban.web;

import java.time.Duration;
import java.util.Locale;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.AcceptHeaderLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;

import io.xueban.system.ApiPaths;

/**
 * The language of pages and messages: Chinese unless the person chose English (?lang=en, kept in
 * a cookie). API clients without that cookie keep choosing by Accept-Language.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;

    @Bean
    LocaleResolver localeResolver() {
        return new ChosenLocaleResolver();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        // Only a person opening a page chooses a language; the API never sets the cookie.
        change.setHttpMethods("GET");
        registry.addInterceptor(change).excludePathPatterns(ApiPaths.PATTERNS);
    }

    /** The cookie's language; otherwise Chinese for pages and the Accept-Language choice for the API. */
    static final class ChosenLocaleResolver implements LocaleResolver {

        static final String COOKIE = "xueban-lang";
        /** The choice made on this very request (its cookie arrives with the next one). */
        private static final String CHOSEN = ChosenLocaleResolver.class.getName() + ".chosen";

        private final AcceptHeaderLocaleResolver byHeader = new AcceptHeaderLocaleResolver();

        ChosenLocaleResolver() {
            byHeader.setDefaultLocale(CHINESE);
        }

        @Override
        public Locale resolveLocale(HttpServletRequest request) {
            if (request.getAttribute(CHOSEN) instanceof Locale chosen) {
                return chosen;
            }
            Cookie[] cookies = request.getCookies();
            if (cookies != null) {
                for (Cookie cookie : cookies) {
                    if (COOKIE.equals(cookie.getName())) {
                        return supported(Locale.forLanguageTag(cookie.getValue()));
                    }
                }
            }
            String path = request.getRequestURI().substring(request.getContextPath().length());
            return ApiPaths.isApi(path) ? byHeader.resolveLocale(request) : CHINESE;
        }

        @Override
        public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
            Locale chosen = supported(locale == null ? CHINESE : locale);
            Cookie cookie = new Cookie(COOKIE, chosen.toLanguageTag());
            cookie.setPath("/");
            cookie.setHttpOnly(true);
            cookie.setSecure(request.isSecure());
            cookie.setMaxAge((int) Duration.ofDays(365).toSeconds());
            cookie.setAttribute("SameSite", "Lax");
            response.addCookie(cookie);
            request.setAttribute(CHOSEN, chosen);
        }

        private static Locale supported(Locale locale) {
            return "en".equals(locale.getLanguage()) ? Locale.ENGLISH : CHINESE;
        }
    }
}
