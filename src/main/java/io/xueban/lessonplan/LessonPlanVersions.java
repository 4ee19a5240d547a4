package io.xueban.lessonplan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import io.xueban.knowledge.DocumentKind;
import io.xueban.knowledge.DocumentMetadata;
import io.xueban.knowledge.KnowledgeIngestion;
import io.xueban.knowledge.Visibility;
import io.xueban.llm.PromptTemplates;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What happens to a plan after it is written: teachers' edits and regenerated sections as new
 * versions, the difference between two versions, acceptance (the plan joins the school's library
 * as an exemplar of its style) and what exports are made from.
 */
@Service
class LessonPlanVersions {

    record SectionDiff(Section section, String heading, boolean changed, List<LineDiff.Line> lines) {
    }

    private final LessonPlanStore store;
    private final LessonPlanService service;
    private final LessonTemplates templates;
    private final KnowledgeIngestion library;
    private final PromptTemplates prompts;
    private final JsonMapper json;

    LessonPlanVersions(LessonPlanStore store, LessonPlanService service, LessonTemplates templates,
            KnowledgeIngestion library, PromptTemplates prompts, JsonMapper json) {
        this.store = store;
        this.service = service;
        this.templates = templates;
        this.library = library;
        this.prompts = prompts;
        this.json = json;
    }

    /** A teacher's edit of the whole plan: checked like a written one (citations included), then the next version. */
    int edit(CurrentUser me, LessonPlanStore.Plan plan, LessonDraft draft, String note) {
        PlanContext context = ready(plan);
        List<String> problems = new ArrayList<>(LessonPlanChecks.problems(draft, context, plan.subjectId(),
                service.itemsById(plan.schoolId())));
        problems.addAll(LessonPlanChecks.citationProblems(draft, context));
        if (!problems.isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "lesson-plan-invalid", String.join("；", problems))
                    .with("problems", problems);
        }
        return store.addVersion(plan.id(), LessonPlanStore.VersionSource.EDITED, draft, List.of(), note, me.id());
    }

    /**
     * One section written again by the model to the teacher's instruction; the rest of the plan
     * stays as it is. The whole result is checked like a first plan.
     */
    int regenerate(CurrentUser me, LessonPlanStore.Plan plan, Section section, String instruction) {
        PlanContext context = ready(plan);
        LessonPlanStore.Version current = current(plan);
        List<ChatMessage> messages = new ArrayList<>(service.firstMessages(plan.schoolId(), context));
        String heading = templates.of(plan.schoolId()).stream().filter(h -> h.section() == section).findFirst()
                .map(LessonTemplates.Heading::title).orElse(section.defaultHeading());
        messages.add(UserMessage.from(prompts.render("lesson-plan/section", Map.of(
                "section", heading,
                "instruction", PromptTemplates.quoted(instruction.strip()),
                "current", PromptTemplates.quoted(json.writeValueAsString(current.content()))))));
        LessonPlanService.Written written = service.write(me, plan.request(), context, messages, null);
        LessonDraft merged = merge(current.content(), written.draft(), section);
        List<String> problems = LessonPlanChecks.problems(merged, context, plan.subjectId(), service.itemsById(plan.schoolId()));
        if (!problems.isEmpty()) {
            // The new section does not fit the rest (say, its minutes): nothing is saved.
            throw new ApiException(HttpStatus.BAD_GATEWAY, "lesson-section-unusable", String.join("；", problems));
        }
        Set<String> flags = new LinkedHashSet<>(current.flags());
        flags.addAll(written.flags());
        return store.addVersion(plan.id(), LessonPlanStore.VersionSource.REGENERATED, merged, List.copyOf(flags),
                heading + "：" + instruction.strip(), me.id());
    }

    /** The plan with one section taken from another. */
    static LessonDraft merge(LessonDraft base, LessonDraft from, Section section) {
        return new LessonDraft(base.title(),
                section == Section.OBJECTIVES ? from.objectives() : base.objectives(),
                section == Section.KEY_POINTS ? from.keyPoints() : base.keyPoints(),
                section == Section.DIFFICULTIES ? from.difficulties() : base.difficulties(),
                section == Section.LEARNER_ANALYSIS ? from.learnerAnalysis() : base.learnerAnalysis(),
                section == Section.PREPARATION ? from.preparation() : base.preparation(),
                section == Section.PROCESS ? from.process() : base.process(),
                section == Section.BOARD_DESIGN ? from.boardDesign() : base.boardDesign(),
                section == Section.EXIT_TICKET ? from.exitTicket() : base.exitTicket(),
                section == Section.HOMEWORK ? from.homework() : base.homework(),
                section == Section.REFERENCES ? from.references() : base.references());
    }

    /** Section by section, what changed from one version to another. */
    List<SectionDiff> diff(LessonPlanStore.Plan plan, int from, int to) {
        PlanContext context = ready(plan);
        LessonPlanMarkdown.Inputs before = inputs(plan, context, version(plan, from));
        LessonPlanMarkdown.Inputs after = inputs(plan, context, version(plan, to));
        List<SectionDiff> diffs = new ArrayList<>();
        for (LessonTemplates.Heading heading : before.headings()) {
            String a = LessonPlanMarkdown.body(heading.section(), before).strip();
            String b = LessonPlanMarkdown.body(heading.section(), after).strip();
            diffs.add(new SectionDiff(heading.section(), heading.title(), !a.equals(b), LineDiff.of(a, b)));
        }
        return diffs;
    }

    /**
     * The teacher accepts the current version: it joins the school's library as a lesson design
     * by the teacher (AI label kept), and becomes an exemplar for the plans written after it.
     */
    LessonPlanStore.Plan accept(CurrentUser me, LessonPlanStore.Plan plan) {
        PlanContext context = ready(plan);
        if (plan.acceptedVersion() != null && plan.acceptedVersion() == plan.currentVersion()) {
            return plan;
        }
        LessonPlanStore.Version current = current(plan);
        String markdown = LessonPlanMarkdown.render(inputs(plan, context, current));
        String title = current.content().title();
        long document = library.add(plan.schoolId(), plan.teacherId(), "教学设计-" + plan.id() + "-v" + current.version() + ".md",
                markdown.getBytes(StandardCharsets.UTF_8),
                new DocumentMetadata(title, plan.subjectId(), context.grade(), null,
                        context.knowledgePoints().stream().map(PlanContext.Point::id).toList(), DocumentKind.LESSON_DESIGN,
                        me.id() == plan.teacherId() ? me.displayName() : null, Visibility.SCHOOL));
        store.accept(plan.id(), current.version(), document);
        return store.find(plan.id()).orElseThrow();
    }

    LessonPlanMarkdown.Inputs inputs(LessonPlanStore.Plan plan, PlanContext context, LessonPlanStore.Version version) {
        return new LessonPlanMarkdown.Inputs(version.content(), context, templates.of(plan.schoolId()), version.flags(),
                service.itemsById(plan.schoolId()));
    }

    LessonPlanStore.Version current(LessonPlanStore.Plan plan) {
        return version(plan, plan.currentVersion());
    }

    LessonPlanStore.Version version(LessonPlanStore.Plan plan, int version) {
        return store.version(plan.id(), version).orElseThrow(() -> ApiException.notFound("lesson-plan-version", version));
    }

    /** The plan's context; a plan still being written (or failed) has no versions to work on. */
    static PlanContext ready(LessonPlanStore.Plan plan) {
        if (plan.currentVersion() == 0 || plan.context() == null) {
            throw ApiException.conflict("lesson-plan-not-ready", plan.status());
        }
        return plan.context();
    }
}
