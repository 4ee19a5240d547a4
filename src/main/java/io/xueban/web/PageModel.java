package io.xueban.web;

import java.time.ZoneId;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.ModelMap;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;
import io.xueban.system.Problems;

/**
 * What every page template can use (the signed-in person, the page's path, the scripts'
 * messages), also on the error page, and refusals on pages shown as a page with a message,
 * never as JSON.
 */
@ControllerAdvice(assignableTypes = {PageController.class, BasicErrorController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageModel {

    private static final Logger log = LoggerFactory.getLogger(PageModel.class);

    private final PageMessages pageMessages;
    private final Problems problems;
    private final ZoneId zone;

    PageModel(PageMessages pageMessages, Problems problems, ZoneId zone) {
        this.pageMessages = pageMessages;
        this.problems = problems;
        this.zone = zone;
    }

    @ModelAttribute
    void common(ModelMap model, HttpServletRequest request, Locale locale) {
        model.addAttribute("path", request.getRequestURI().substring(request.getContextPath().length()));
        model.addAttribute("jsMessages", pageMessages.json(locale));
        // Pages show and read times in the school's time zone, wherever the browser is.
        model.addAttribute("timeZone", zone.getId());
        CurrentUser.signedIn().ifPresent(me -> model.addAttribute("me", me));
    }

    @ExceptionHandler(ApiException.class)
    ModelAndView refused(ApiException e, HttpServletRequest request, Locale locale) {
        return page(request, e.status(), problems.of(e, locale).getDetail(), locale);
    }

    /** {@code /plans/abc}: an address that names nothing, not a server failure. */
    @ExceptionHandler(TypeMismatchException.class)
    ModelAndView noSuchPage(TypeMismatchException e, HttpServletRequest request, Locale locale) {
        return page(request, HttpStatus.NOT_FOUND, null, locale);
    }

    @ExceptionHandler(Exception.class)
    ModelAndView failed(Exception e, HttpServletRequest request, Locale locale) {
        log.error("Page {} failed", request.getRequestURI(), e);
        return page(request, HttpStatus.INTERNAL_SERVER_ERROR,
                problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", locale).getDetail(), locale);
    }

    private ModelAndView page(HttpServletRequest request, HttpStatus status, String detail, Locale locale) {
        ModelAndView view = new ModelAndView("error", status);
        view.addObject("status", status.value());
        view.addObject("detail", detail);
        common(view.getModelMap(), request, locale);
        return view;
    }
}
