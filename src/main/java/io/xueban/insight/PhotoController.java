package io.xueban.insight;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.school.Roster;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.system.ApiException;

/** Photographed work: submit a photo of an answer, review unsure readings, see the photos. */
@RestController
@RequestMapping("/api")
class PhotoController {

    record Review(@NotNull Boolean correct, @Size(max = 8000) String answerText) {
    }

    private final PhotoSubmissions photos;
    private final Roster roster;
    private final AccessPolicy access;

    PhotoController(PhotoSubmissions photos, Roster roster, AccessPolicy access) {
        this.photos = photos;
        this.roster = roster;
        this.access = access;
    }

    @PostMapping(path = "/responses/photo", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "A photo of a student's work on an item (JPEG, PNG, WebP): read by the vision model; 201 when "
            + "recorded as an answer, 202 when it waits for a teacher's review; 503 and nothing stored when no vision "
            + "model is available")
    ResponseEntity<PhotoSubmissions.Submission> submit(CurrentUser me,
            @RequestPart(name = "image", required = false) MultipartFile image,
            @RequestParam long itemId,
            @RequestParam(required = false) Long studentId) throws IOException {
        long student = studentId != null ? studentId : me.id();
        access.checkStudent(me, student);
        if (image == null) {
            throw ApiException.badRequest("image-missing");
        }
        PhotoSubmissions.Submission submission = photos.submit(me, student, itemId, image.getBytes());
        return ResponseEntity.accepted().location(URI.create("/api/photo-submissions/" + submission.id())).body(submission);
    }

    @GetMapping("/photo-submissions/{id}")
    @Operation(summary = "One photo submission and what the model read")
    PhotoSubmissions.Submission get(CurrentUser me, @PathVariable long id) {
        return readable(me, id);
    }

    @GetMapping("/photo-submissions/{id}/image")
    @Operation(summary = "The photo itself")
    ResponseEntity<byte[]> image(CurrentUser me, @PathVariable long id) {
        PhotoSubmissions.Submission submission = readable(me, id);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(submission.mediaType())).body(photos.image(id));
    }

    @PostMapping("/photo-submissions/{id}/review")
    @Operation(summary = "Confirm or correct an unsure reading (teachers); the answer is then recorded")
    PhotoSubmissions.Submission review(CurrentUser me, @PathVariable long id, @Valid @RequestBody Review review) {
        access.requireStaff(me);
        readable(me, id);
        return photos.review(me, id, review.correct(), review.answerText());
    }

    @GetMapping("/classes/{id}/photo-submissions")
    @Operation(summary = "A class's photo submissions, newest first; status=NEEDS_REVIEW for those waiting for a teacher")
    List<PhotoSubmissions.Submission> ofClass(CurrentUser me, @PathVariable long id,
            @RequestParam(required = false) PhotoSubmissions.Status status) {
        access.checkClass(me, id);
        return photos.ofStudents(roster.studentIdsOf(id), status);
    }

    private PhotoSubmissions.Submission readable(CurrentUser me, long id) {
        long school = photos.schoolOf(id).orElseThrow(() -> ApiException.notFound("photo", id));
        access.checkSameSchool(me, school, "photo", id);
        PhotoSubmissions.Submission submission = photos.find(id).orElseThrow();
        access.checkStudent(me, submission.studentId());
        return submission;
    }
}
