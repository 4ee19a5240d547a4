package io.xueban.llm;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/** The prompt files as the application uses them, for administrators to read (they edit them on disk). */
@RestController
class PromptController {

    private final PromptTemplates prompts;
    private final AccessPolicy access;

    PromptController(PromptTemplates prompts, AccessPolicy access) {
        this.prompts = prompts;
        this.access = access;
    }

    @GetMapping("/api/prompts")
    @Operation(summary = "Every prompt file (admins): name, text, variables, and whether xueban.prompts.dir overrides it")
    List<PromptTemplates.PromptFile> list(CurrentUser me) {
        access.requireAdmin(me);
        return prompts.files();
    }
}
