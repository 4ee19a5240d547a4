package io.xueban.lessonplan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.curriculum.Subject;
import io.xueban.curriculum.Subjects;
import io.xueban.insight.ClassProfile;
import io.xueban.insight.ClassProfiles;
import io.xueban.insight.MasteryLevel;
import io.xueban.knowledge.DocumentKind;
import io.xueban.knowledge.KnowledgeContext;
import io.xueban.knowledge.KnowledgeQuery;
import io.xueban.knowledge.KnowledgeRetriever;
import io.xueban.knowledge.Passage;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmException;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.school.ClassInfo;
import io.xueban.school.Roster;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;
import io.xueban.system.Hashes;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes lesson plans (一课一策): the class's measured profile and the school's own exemplars and
 * standards go into the prompt; the model (role reasoning) writes a {@link LessonDraft}; the
 * checks of {@link LessonPlanChecks} run on it, with one repair; the plan is stored as version 1.
 * Generation runs in the background, so a plan is finished and kept even when the teacher's
 * browser goes away; its progress goes to {@link LessonPlanEvents}.
 */
@Service
class LessonPlanService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LessonPlanService.class);

    /** Exemplars (lesson designs, teaching notes) and standards retrieved per request. */
    static final int EXEMPLAR_PASSAGES = 4;
    static final int STANDARD_PASSAGES = 3;
    /** Items of the bank offered to the model. */
    static final int OFFERED_ITEMS = 40;
    /** A plan GENERATING for longer than this was left behind by a stopped instance. */
    static final Duration STALE = Duration.ofMinutes(20);

    record Started(long planId, boolean repeated) {
    }

    private final LessonPlanStore store;
    private final LessonTemplates templates;
    private final LessonPlanEvents events;
    private final ClassProfiles profiles;
    private final KnowledgeRetriever retriever;
    private final KnowledgeContext knowledgeContext;
    private final KnowledgePoints knowledgePoints;
    private final Subjects subjects;
    private final Items items;
    private final Roster roster;
    private final LlmGateway gateway;
    private final PromptTemplates prompts;
    private final JsonMapper json;
    private final ExecutorService workers = Executors.newFixedThreadPool(4,
            Thread.ofPlatform().name("lesson-plan-", 0).daemon().factory());

    LessonPlanService(LessonPlanStore store, LessonTemplates templates, LessonPlanEvents events, ClassProfiles profiles,
            KnowledgeRetriever retriever, KnowledgeContext knowledgeContext, KnowledgePoints knowledgePoints,
            Subjects subjects, Items items, Roster roster, LlmGateway gateway, PromptTemplates prompts, JsonMapper json) {
        this.store = store;
        this.templates = templates;
        this.events = events;
        this.profiles = profiles;
        this.retriever = retriever;
        this.knowledgeContext = knowledgeContext;
        this.knowledgePoints = knowledgePoints;
        this.subjects = subjects;
        this.items = items;
        this.roster = roster;
        this.gateway = gateway;
        this.prompts = prompts;
        this.json = json;
    }

    @EventListener(ApplicationReadyEvent.class)
    void failInterrupted() {
        int failed = store.failStale(STALE);
        if (failed > 0) {
            log.warn("{} lesson plans were interrupted by a stop and are marked failed", failed);
        }
    }

    /**
     * Checks the request and stores the plan (GENERATING), or finds the plan made for the same
     * idempotency key; the caller has checked that the teacher teaches the class.
     */
    Started start(CurrentUser me, LessonPlanRequest request, String idempotencyKey) {
        String hash = Hashes.sha256(json.writeValueAsString(request));
        if (idempotencyKey != null) {
            Optional<LessonPlanStore.Plan> earlier = store.findByKey(me.id(), idempotencyKey);
            if (earlier.isPresent()) {
                return repeated(earlier.get(), hash);
            }
        }
        List<KnowledgePoint> points = resolvePoints(me.schoolId(), request);
        List<Passage> exemplar = request.exemplarDocumentId() == null ? List.of() : exemplar(me, request, points);
        if (request.exemplarDocumentId() != null && exemplar.isEmpty()) {
            throw ApiException.badRequest("unknown-exemplar", request.exemplarDocumentId());
        }
        if (!LessonPlanRequest.LESSON_TYPES.contains(request.lessonType().strip())) {
            throw ApiException.badRequest("unknown-lesson-type", request.lessonType(),
                    String.join("、", LessonPlanRequest.LESSON_TYPES));
        }
        long id;
        try {
            id = store.create(me.schoolId(), me.id(), request, hash, idempotencyKey);
        } catch (DuplicateKeyException raced) {
            // The same key in two requests at once: the first one stored is the plan.
            return repeated(store.findByKey(me.id(), idempotencyKey).orElseThrow(), hash);
        }
        run(me, id, request, points, exemplar);
        return new Started(id, false);
    }

    /**
     * Writes a failed plan again from the same request, under the same id; 409 unless it failed.
     * The caller has checked that the teacher owns it and still teaches the class.
     */
    void retry(CurrentUser me, LessonPlanStore.Plan plan) {
        if (plan.status() != LessonPlanStore.Status.FAILED) {
            throw ApiException.conflict("lesson-plan-not-failed", plan.id());
        }
        LessonPlanRequest request = plan.request();
        List<KnowledgePoint> points = resolvePoints(me.schoolId(), request);
        List<Passage> exemplar = request.exemplarDocumentId() == null ? List.of() : exemplar(me, request, points);
        if (!store.restart(plan.id())) {
            throw ApiException.conflict("lesson-plan-not-failed", plan.id()); // another click was first
        }
        run(me, plan.id(), request, points, exemplar);
    }

    private void run(CurrentUser me, long id, LessonPlanRequest request, List<KnowledgePoint> points,
            List<Passage> exemplar) {
        events.open(id);
        workers.execute(() -> {
            // The plan is a Chinese document (its prompts, headings and figures are): tier names too.
            LocaleContextHolder.setLocale(Locale.SIMPLIFIED_CHINESE);
            try {
                generate(me, id, request, points, exemplar);
            } finally {
                LocaleContextHolder.resetLocaleContext();
            }
        });
    }

    private static Started repeated(LessonPlanStore.Plan plan, String hash) {
        if (!plan.requestHash().equals(hash)) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused");
        }
        return new Started(plan.id(), true);
    }

    /** The lesson's points: those asked for, else the subject's points named in the topic. */
    List<KnowledgePoint> resolvePoints(long schoolId, LessonPlanRequest request) {
        Subject subject = subjects.require(schoolId, request.subjectId());
        List<KnowledgePoint> all = knowledgePoints.list(schoolId, subject.id());
        List<KnowledgePoint> chosen;
        if (!request.points().isEmpty()) {
            Map<Long, KnowledgePoint> byId = all.stream().collect(Collectors.toMap(KnowledgePoint::id, kp -> kp));
            chosen = new ArrayList<>();
            for (long id : new LinkedHashSet<>(request.points())) {
                KnowledgePoint kp = byId.get(id);
                if (kp == null) {
                    throw ApiException.badRequest("unknown-knowledge-point", id);
                }
                chosen.add(kp);
            }
        } else {
            String topic = request.topic() == null ? "" : request.topic().strip();
            chosen = topic.isEmpty() ? List.of()
                    : all.stream().filter(kp -> topic.contains(kp.name()) || kp.name().contains(topic)).toList();
            if (chosen.isEmpty()) {
                throw ApiException.badRequest("lesson-points-needed");
            }
        }
        return chosen;
    }

    /** {@code points} and {@code exemplar}: resolved and retrieved once, when the request was checked. */
    private void generate(CurrentUser me, long planId, LessonPlanRequest request, List<KnowledgePoint> points,
            List<Passage> exemplar) {
        try {
            events.stage(planId, "profile");
            PlanContext context = context(me, request, points, exemplar);
            store.setContext(planId, context);
            events.stage(planId, "writing");
            Written written = write(me, request, context, firstMessages(me.schoolId(), context),
                    token -> events.token(planId, token));
            events.stage(planId, "saving");
            store.addVersion(planId, LessonPlanStore.VersionSource.GENERATED, written.draft(), written.flags(), null, me.id());
            events.done(planId);
        } catch (LlmException e) {
            store.fail(planId, e.code());
            events.failed(planId, e);
        } catch (RuntimeException e) {
            log.error("Lesson plan {} failed", planId, e);
            store.fail(planId, "lesson-plan-failed");
            events.failed(planId, new ApiException(HttpStatus.INTERNAL_SERVER_ERROR,
                    "lesson-plan-failed"));
        }
    }

    record Written(LessonDraft draft, List<String> flags) {
    }

    /**
     * Asks the model for a plan and checks it: unusable plans are sent back once with their
     * problems (then 502); citations of passages not given are sent back once too, then dropped
     * and flagged rather than failing the plan.
     */
    Written write(CurrentUser me, LessonPlanRequest request, PlanContext context, List<ChatMessage> messages,
            Consumer<String> tokens) {
        Map<Long, ItemFacts> schoolItems = itemsById(me.schoolId());
        AtomicInteger attempt = new AtomicInteger();
        LlmCall call = LlmCall.of(ModelRole.REASONING, Priority.TEACHER, me.id(), messages).withClass(request.classId());
        LessonDraft draft = gateway.generate(call, LessonDraft.class, reply -> {
            List<String> problems = new ArrayList<>(LessonPlanChecks.problems(reply, context, request.subjectId(), schoolItems));
            if (attempt.getAndIncrement() == 0) {
                problems.addAll(LessonPlanChecks.citationProblems(reply, context));
            }
            return problems;
        }, tokens);
        LessonPlanChecks.Cleaned cleaned = LessonPlanChecks.withoutUnknownCitations(draft, context);
        return new Written(cleaned.draft(), cleaned.flags());
    }

    Map<Long, ItemFacts> itemsById(long schoolId) {
        Map<Long, ItemFacts> byId = new HashMap<>();
        items.facts(schoolId).forEach(item -> byId.put(item.id(), item));
        return byId;
    }

    /** The system prompt and the request, as the model first sees them. */
    List<ChatMessage> firstMessages(long schoolId, PlanContext context) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(prompts.render("lesson-plan/system", Map.of("grade", context.grade()))));
        messages.add(UserMessage.from(requestPrompt(schoolId, context)));
        return messages;
    }

    private String requestPrompt(long schoolId, PlanContext context) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("className", PromptTemplates.quoted(context.className()));
        values.put("grade", context.grade());
        values.put("students", context.students());
        values.put("subjectName", PromptTemplates.quoted(context.subjectName()));
        values.put("topic", context.topic() == null || context.topic().isBlank() ? "（按知识点）"
                : PromptTemplates.quoted(context.topic()));
        values.put("lessonType", context.lessonType());
        values.put("duration", context.duration());
        values.put("sections", templates.of(schoolId).stream().map(LessonTemplates.Heading::title)
                .collect(Collectors.joining("、")));
        values.put("knowledgePoints", context.knowledgePoints().stream()
                .map(kp -> "- id " + kp.id() + "：" + PromptTemplates.quoted(kp.code()) + " " + PromptTemplates.quoted(kp.name()))
                .collect(Collectors.joining("\n")));
        values.put("figures", context.figures().stream().map(f -> "- " + f.label() + "：" + f.value())
                .collect(Collectors.joining("\n")));
        values.put("items", context.items().isEmpty() ? "（题库中暂无这些知识点的题目，请在 newItems 中编写）"
                : context.items().stream()
                        .map(i -> "- id " + i.id() + "（" + PromptTemplates.quoted(i.code()) + "，" + i.type() + "，" + i.bloomLevel() + "）："
                                + PromptTemplates.quoted(i.stem()))
                        .collect(Collectors.joining("\n")));
        values.put("notes", context.teacherNotes() == null || context.teacherNotes().isBlank() ? "（无）"
                : PromptTemplates.quoted(context.teacherNotes()));
        values.put("sources", context.sourcesPrompt());
        values.put("exemplar", context.exemplarCitation() == null ? "（老师没有指定范例）"
                : "老师指定按这份教学设计的结构和风格来写：" + PromptTemplates.quoted(context.exemplarCitation())
                        + "（它的段落排在参考资料的最前面）");
        return prompts.render("lesson-plan/request", values);
    }

    /** What the plan is written from: the lesson, the class's figures and tiers, passages and items. */
    PlanContext context(CurrentUser me, LessonPlanRequest request, List<KnowledgePoint> points, List<Passage> exemplar) {
        long school = me.schoolId();
        ClassInfo info = roster.classInfo(request.classId()).orElseThrow(() -> ApiException.notFound("class", request.classId()));
        Subject subject = subjects.require(school, request.subjectId());
        Set<Long> pointIds = points.stream().map(KnowledgePoint::id).collect(Collectors.toCollection(LinkedHashSet::new));
        ClassProfile profile = profiles.profileOf(school, request.classId(), subject.id());

        List<PlanContext.Figure> figures = new ArrayList<>();
        figures.add(new PlanContext.Figure("班级人数", profile.students() + " 人"));
        for (ClassProfile.KnowledgePointProfile kp : profile.knowledgePoints()) {
            if (pointIds.contains(kp.kpId())) {
                figures.add(new PlanContext.Figure(kp.code() + " " + kp.name() + " 平均掌握度",
                        Math.round(kp.meanMastery() * 100) + "%"));
                figures.add(new PlanContext.Figure(kp.code() + " " + kp.name() + " 各水平人数",
                        "熟练 " + kp.levels().getOrDefault(MasteryLevel.MASTERED, 0) + " 人，基本掌握 "
                                + kp.levels().getOrDefault(MasteryLevel.PARTIAL, 0) + " 人，学习中 "
                                + kp.levels().getOrDefault(MasteryLevel.LEARNING, 0) + " 人，未学 "
                                + kp.levels().getOrDefault(MasteryLevel.NOT_STARTED, 0) + " 人"));
            }
        }
        List<PlanContext.TierInfo> tiers = new ArrayList<>();
        for (ClassProfile.Tier tier : profile.tiers()) {
            int mean = (int) Math.round(tier.meanMastery() * 100);
            tiers.add(new PlanContext.TierInfo(tier.code(), tier.label(), tier.studentIds().size(), mean));
            figures.add(new PlanContext.Figure(tier.label() + "层", tier.studentIds().size() + " 人，平均掌握度 " + mean + "%"));
        }
        for (ClassProfile.Misconception m : profile.misconceptions()) {
            if (m.kpIds().stream().anyMatch(pointIds::contains)) {
                figures.add(new PlanContext.Figure("常见错误：题目 " + m.itemCode() + " 选 " + m.option()
                        + (m.optionText() == null ? "" : "（" + m.optionText() + "）"),
                        m.chosenBy() + " 人，占作答的 " + Math.round(m.share() * 100) + "%"));
            }
        }

        String text = searchText(request, points);
        KnowledgeQuery base = KnowledgeQuery.of(school, text, EXEMPLAR_PASSAGES).viewer(me.id()).subject(subject.id());
        // The exemplar the teacher chose comes first, then the library's best exemplars, then the standards.
        List<Passage> passages = new ArrayList<>(exemplar);
        Set<Long> seen = passages.stream().map(Passage::chunkId).collect(Collectors.toSet());
        retriever.retrieve(base.kinds(Set.of(DocumentKind.LESSON_DESIGN, DocumentKind.TEACHING_NOTE))).stream()
                .filter(p -> seen.add(p.chunkId())).forEach(passages::add);
        retriever.retrieve(new KnowledgeQuery(school, me.id(), text, subject.id(), null, pointIds,
                        Set.of(DocumentKind.CURRICULUM_STANDARD), STANDARD_PASSAGES)).stream()
                .filter(p -> seen.add(p.chunkId())).forEach(passages::add);
        List<PlanContext.Source> sources = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            sources.add(new PlanContext.Source("S" + (i + 1), p.chunkId(), p.citation().documentId(), p.citation().label(),
                    p.text()));
        }
        String sourcesPrompt = passages.isEmpty() ? "（本次没有检索到相关资料：references 请留空，不要引用任何资料。）"
                : knowledgeContext.render(passages);

        List<PlanContext.OfferedItem> offered = items.facts(school).stream()
                .filter(item -> item.subjectId() == subject.id() && item.kpIds().stream().anyMatch(pointIds::contains))
                .limit(OFFERED_ITEMS)
                .map(item -> new PlanContext.OfferedItem(item.id(), item.code(), item.type().name(), shorten(item.stem()),
                        item.kpIds(), item.bloomLevel().name(), item.difficulty()))
                .toList();
        String exemplarCitation = request.exemplarDocumentId() == null || passages.isEmpty() ? null
                : passages.getFirst().citation().title() + "（" + passages.getFirst().citation().author() + "）";
        return new PlanContext(info.name(), info.grade(), subject.name(), request.topic(), request.lessonType().strip(),
                request.duration(), request.notes(), exemplarCitation,
                points.stream().map(kp -> new PlanContext.Point(kp.id(), kp.code(), kp.name())).toList(),
                profile.students(), figures, tiers, sources, offered, sourcesPrompt);
    }

    /** The passages of the exemplar the teacher chose that best match the lesson (empty when they may not see it). */
    private List<Passage> exemplar(CurrentUser me, LessonPlanRequest request, List<KnowledgePoint> points) {
        return retriever.retrieve(KnowledgeQuery.of(me.schoolId(), searchText(request, points), EXEMPLAR_PASSAGES)
                .viewer(me.id()).documents(Set.of(request.exemplarDocumentId())));
    }

    private static String searchText(LessonPlanRequest request, List<KnowledgePoint> points) {
        return (request.topic() == null ? "" : request.topic() + " ")
                + points.stream().map(KnowledgePoint::name).collect(Collectors.joining(" "));
    }

    private static String shorten(String stem) {
        String flat = stem.strip().replace('\n', ' ');
        return flat.length() <= 120 ? flat : flat.substring(0, 120) + "…";
    }

    /** Plans being written get a moment to finish; an interrupt in the middle of a database write helps nobody. */
    @Override
    public void destroy() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
            // Those still waiting for a model are left GENERATING and failed at the next start.
            workers.shutdownNow();
        }
    }
}
