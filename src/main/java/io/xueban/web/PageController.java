package io.xueban.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/**
 * The pages. Each is a server-rendered shell (labels from the message bundles) whose script reads
 * and changes data through the same JSON API that other clients use, so a page can do nothing a
 * person could not do through the API, and every refusal arrives as the API's own message.
 * Which role may open which page is set in the security configuration; pages about one class or
 * student also check that the teacher teaches them.
 */
@Controller
class PageController {

    private final AccessPolicy access;

    PageController(AccessPolicy access) {
        this.access = access;
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String home(CurrentUser me) {
        return switch (me.role()) {
            case STUDENT -> "redirect:/study";
            case TEACHER -> "teacher/home";
            case ADMIN -> "admin/home";
        };
    }

    @GetMapping("/account")
    String account() {
        return "account";
    }

    /** Changing one's password; where a session goes first when its password was chosen by someone else. */
    @GetMapping("/account/password")
    String password(jakarta.servlet.http.HttpSession session, org.springframework.ui.Model model) {
        model.addAttribute("passwordRequired", CurrentUser.passwordChangeRequired(session));
        return "account-password";
    }

    // Teachers (and administrators, who see the whole school)

    @GetMapping("/classes/{id}")
    String classDashboard(CurrentUser me, @PathVariable long id, Model model) {
        access.checkClass(me, id);
        model.addAttribute("classId", id);
        return "teacher/class";
    }

    @GetMapping("/students/{id}")
    String student(CurrentUser me, @PathVariable long id, Model model) {
        access.checkStudent(me, id);
        model.addAttribute("studentId", id);
        return "teacher/student";
    }

    @GetMapping("/plans")
    String plans() {
        return "teacher/plans";
    }

    @GetMapping("/plans/new")
    String newPlan(CurrentUser me) {
        access.requireStaff(me);
        return "teacher/plan-new";
    }

    @GetMapping("/plans/{id}")
    String plan(@PathVariable long id, Model model) {
        model.addAttribute("planId", id);
        return "teacher/plan";
    }

    @GetMapping("/assignments")
    String assignments() {
        return "teacher/assignments";
    }

    @GetMapping("/assignments/new")
    String newAssignment(CurrentUser me) {
        access.requireStaff(me);
        return "teacher/assignment-new";
    }

    @GetMapping("/assignments/{id}")
    String assignment(@PathVariable long id, Model model) {
        model.addAttribute("assignmentId", id);
        return "teacher/assignment";
    }

    /** The item bank; routes not listed in the security configuration are checked here. */
    @GetMapping("/items")
    String items(CurrentUser me) {
        access.requireStaff(me);
        return "teacher/items";
    }

    @GetMapping("/library")
    String library() {
        return "teacher/library";
    }

    /** One document of the library to read, opened at a passage (?chunk=) when a search found it. */
    @GetMapping("/library/documents/{id}")
    String document(@PathVariable long id, org.springframework.ui.Model model) {
        model.addAttribute("documentId", id);
        return "teacher/document";
    }

    @GetMapping("/conversations")
    String conversations() {
        return "teacher/conversations";
    }

    @GetMapping("/assistant")
    String assistant(Model model) {
        model.addAttribute("assistant", "page.assistant");
        return "chat";
    }

    // Students

    @GetMapping("/study")
    String buddy(Model model) {
        model.addAttribute("assistant", "page.buddy");
        return "chat";
    }

    @GetMapping("/study/path")
    String path() {
        return "student/path";
    }

    @GetMapping("/study/tasks")
    String tasks() {
        return "student/tasks";
    }

    @GetMapping("/study/photo")
    String photo() {
        return "student/photo";
    }

    // Administrators

    @GetMapping("/admin/users")
    String users() {
        return "admin/users";
    }

    @GetMapping("/admin/classes")
    String classes() {
        return "admin/classes";
    }

    @GetMapping("/admin/curriculum")
    String curriculum() {
        return "admin/curriculum";
    }

    @GetMapping("/admin/data")
    String data() {
        return "admin/data";
    }

    @GetMapping("/admin/safety")
    String safety() {
        return "admin/safety";
    }

    @GetMapping("/admin/models")
    String models() {
        return "admin/models";
    }

    @GetMapping("/admin/template")
    String template() {
        return "admin/template";
    }

    @GetMapping("/admin/prompts")
    String prompts() {
        return "admin/prompts";
    }
}
