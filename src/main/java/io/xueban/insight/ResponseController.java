package io.xueban.insight;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.xueban.curriculum.ItemRef;
import io.xueban.curriculum.Items;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;

@RestController
@RequestMapping("/api")
@Tag(name = "Responses", description = "Student answers: one, a batch, or a CSV import (all or nothing)")
class ResponseController {

    private final ResponseIntake intake;
    private final Responses responses;
    private final AccessPolicy policy;
    private final Items items;

    ResponseController(ResponseIntake intake, Responses responses, AccessPolicy policy, Items items) {
        this.intake = intake;
        this.responses = responses;
        this.policy = policy;
        this.items = items;
    }

    @PostMapping("/responses")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Record one answer: a student's own is marked from the key; staff may give the mark")
    Recorded record(CurrentUser me, @Valid @RequestBody ResponseRequest request) {
        List<NewResponse> checked = intake.fromJson(me, List.of(request));
        Recorded recorded = store(checked);
        // A student's own answer marked wrong: the right answer, shown with the result.
        if (me.is(Role.STUDENT) && Boolean.FALSE.equals(checked.getFirst().correct())) {
            String key = items.findRef(request.itemId()).map(ItemRef::answerKey).orElse(null);
            return new Recorded(recorded.recorded(), recorded.correct(), key);
        }
        return recorded;
    }

    @PostMapping("/responses/batch")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Record many answers at once (staff); one invalid entry rejects them all")
    Recorded recordBatch(CurrentUser me, @RequestBody @NotEmpty @Size(max = 5000) List<@Valid ResponseRequest> batch) {
        policy.requireStaff(me);
        return store(intake.fromJson(me, batch));
    }

    @PostMapping(path = "/responses/import", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Import answers from CSV (columns student, item, correct, score, answer, time_ms, "
            + "answered_at); one bad row rejects the file")
    Recorded importCsv(CurrentUser me, @RequestBody byte[] csv) {
        policy.requireStaff(me);
        return store(intake.fromCsv(me, csv));
    }

    @GetMapping("/students/{id}/responses")
    @Operation(summary = "A student's answers, newest first")
    List<Responses.ResponseView> history(CurrentUser me, @PathVariable long id,
                                         @RequestParam(defaultValue = "0") @Min(0) int offset,
                                         @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        policy.checkStudent(me, id);
        return responses.ofStudent(id, offset, limit);
    }

    private Recorded store(List<NewResponse> checked) {
        responses.recordAll(checked);
        return new Recorded(checked.size(),
                checked.stream().filter(r -> Boolean.TRUE.equals(r.correct())).count(), null);
    }

    /** @param rightAnswer for a student's own answer marked wrong, the item's key; otherwise absent */
    record Recorded(int recorded, long correct, String rightAnswer) {
    }
}
