package io.xueban.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import io.xueban.security.CurrentUser;

/** The sign-in page and the start page after signing in. */
@Controller
class PageController {

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String home(CurrentUser me, Model model) {
        model.addAttribute("me", me);
        return "home";
    }
}
