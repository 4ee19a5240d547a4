package io.xueban.school;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.xueban.curriculum.Subjects;
import io.xueban.safety.AuditLog;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;

import static io.xueban.school.SchoolRecords.Assignment;
import static io.xueban.school.SchoolRecords.Person;
import static io.xueban.school.SchoolRecords.SchoolClass;
import static io.xueban.school.SchoolRecords.Student;

/** Classes, accounts, enrolments and teaching assignments. Admins change them; teachers read their classes. */
@RestController
@RequestMapping("/api")
@Tag(name = "School", description = "Classes, accounts, enrolments, teaching assignments, roster import")
class SchoolController {

    private final Roster roster;
    private final RosterImport rosterImport;
    private final RosterImports rosterImports;
    private final Subjects subjects;
    private final AccessPolicy policy;
    private final AuditLog audit;

    SchoolController(Roster roster, RosterImport rosterImport, RosterImports rosterImports, Subjects subjects,
            AccessPolicy policy, AuditLog audit) {
        this.roster = roster;
        this.rosterImport = rosterImport;
        this.rosterImports = rosterImports;
        this.subjects = subjects;
        this.policy = policy;
        this.audit = audit;
    }

    @GetMapping("/me")
    @Operation(summary = "Who I am")
    CurrentUser me(CurrentUser me) {
        return me;
    }

    @GetMapping("/classes")
    @Operation(summary = "My classes: all of the school for an admin, those I teach for a teacher, mine for a student")
    List<SchoolClass> classes(CurrentUser me) {
        return switch (me.role()) {
            case ADMIN -> roster.classesOfSchool(me.schoolId());
            case TEACHER -> roster.classesTaughtBy(me.id());
            case STUDENT -> roster.classesOfStudent(me.id());
        };
    }

    @PostMapping("/classes")
    @Operation(summary = "Create a class (admin)")
    ResponseEntity<SchoolClass> createClass(CurrentUser me, @Valid @RequestBody ClassRequest request) {
        policy.requireAdmin(me);
        long id = roster.createClass(me.schoolId(), request.name().strip(), request.grade());
        audit.record(me, "class.create", "class_group", id, request.name());
        return ResponseEntity.created(URI.create("/api/classes/" + id)).body(roster.schoolClass(id));
    }

    @GetMapping("/classes/{id}")
    SchoolClass schoolClass(CurrentUser me, @PathVariable long id) {
        policy.checkClass(me, id);
        return roster.schoolClass(id);
    }

    @GetMapping("/classes/{id}/students")
    List<Student> students(CurrentUser me, @PathVariable long id) {
        policy.checkClass(me, id);
        return roster.studentsOf(id);
    }

    @PutMapping("/classes/{classId}/students/{studentId}")
    @Operation(summary = "Enrol a student in a class (admin)")
    ResponseEntity<Void> enrol(CurrentUser me, @PathVariable long classId, @PathVariable long studentId) {
        policy.requireAdmin(me);
        policy.checkClass(me, classId);
        policy.checkStudent(me, studentId);
        if (roster.enrol(me.schoolId(), classId, studentId)) {
            audit.record(me, "enrolment.create", "class_group", classId, "student " + studentId);
        }
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/classes/{classId}/students/{studentId}")
    @Operation(summary = "Remove a student from a class (admin)")
    ResponseEntity<Void> unenrol(CurrentUser me, @PathVariable long classId, @PathVariable long studentId) {
        policy.requireAdmin(me);
        policy.checkClass(me, classId);
        policy.checkStudent(me, studentId);
        if (!roster.unenrol(classId, studentId)) {
            throw ApiException.notFound("enrolment", classId + "/" + studentId);
        }
        audit.record(me, "enrolment.delete", "class_group", classId, "student " + studentId);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/teaching-assignments")
    @Operation(summary = "Who teaches which subject in which class (admin)")
    List<Assignment> assignments(CurrentUser me) {
        policy.requireAdmin(me);
        return roster.assignments(me.schoolId());
    }

    @PostMapping("/teaching-assignments")
    @Operation(summary = "Let a teacher teach a subject in a class (admin)")
    ResponseEntity<Assignment> assign(CurrentUser me, @Valid @RequestBody AssignmentRequest request) {
        policy.requireAdmin(me);
        policy.checkClass(me, request.classId());
        Person teacher = personOfSchool(me, request.teacherId());
        if (teacher.role() != Role.TEACHER) {
            throw ApiException.badRequest("not-a-teacher", request.teacherId());
        }
        subjects.require(me.schoolId(), request.subjectId());
        long id = roster.assign(me.schoolId(), request.teacherId(), request.classId(), request.subjectId());
        audit.record(me, "teaching.assign", "teaching_assignment", id, null);
        return ResponseEntity.created(URI.create("/api/teaching-assignments/" + id))
                .body(new Assignment(id, request.teacherId(), request.classId(), request.subjectId()));
    }

    @DeleteMapping("/teaching-assignments/{id}")
    ResponseEntity<Void> unassign(CurrentUser me, @PathVariable long id) {
        policy.requireAdmin(me);
        if (!roster.unassign(me.schoolId(), id)) {
            throw ApiException.notFound("teaching-assignment", id);
        }
        audit.record(me, "teaching.unassign", "teaching_assignment", id, null);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/users")
    @Operation(summary = "Accounts of my school (admin)")
    List<Person> users(CurrentUser me, @RequestParam(required = false) Role role) {
        policy.requireAdmin(me);
        return roster.people(me.schoolId(), role);
    }

    @PostMapping("/users")
    @Operation(summary = "Create an account (admin)")
    ResponseEntity<Person> createUser(CurrentUser me, @Valid @RequestBody UserRequest request) {
        policy.requireAdmin(me);
        long id = roster.createUser(me.schoolId(), request.username().strip(), request.displayName().strip(),
                request.role(), request.password(), false, true);
        audit.record(me, "user.create", "app_user", id, request.username() + " " + request.role());
        return ResponseEntity.created(URI.create("/api/users/" + id)).body(roster.person(id).orElseThrow());
    }

    @GetMapping("/users/{id}")
    Person user(CurrentUser me, @PathVariable long id) {
        policy.requireAdmin(me);
        return personOfSchool(me, id);
    }

    @PatchMapping("/users/{id}")
    @Operation(summary = "Rename, disable or enable an account, set a new password or the e-mail for alerts (admin)")
    Person updateUser(CurrentUser me, @PathVariable long id, @Valid @RequestBody UserUpdate request) {
        policy.requireAdmin(me);
        personOfSchool(me, id);
        if (id == me.id() && Boolean.FALSE.equals(request.enabled())) {
            throw ApiException.badRequest("cannot-disable-yourself");
        }
        roster.updateUser(id, request.displayName(), request.enabled(), request.password(), request.email());
        audit.record(me, "user.update", "app_user", id,
                request.password() != null ? "password changed" : "enabled=" + request.enabled());
        return roster.person(id).orElseThrow();
    }

    @PostMapping("/users/{id}/sign-out")
    @Operation(summary = "Sign an account out everywhere: revoke its tokens and end its sessions (admin)")
    ResponseEntity<Void> signOut(CurrentUser me, @PathVariable long id) {
        policy.requireAdmin(me);
        personOfSchool(me, id);
        roster.signOut(id);
        audit.record(me, "user.sign-out", "app_user", id, null);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/students/{id}")
    @Operation(summary = "A student and their classes")
    Student student(CurrentUser me, @PathVariable long id) {
        policy.checkStudent(me, id);
        return roster.student(id).orElseThrow();
    }

    @PostMapping(path = "/roster", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    @Operation(summary = "Import accounts, classes, enrolments and teaching assignments from CSV (admin); all rows or "
            + "none. Up to 500 rows: done in the request (201); up to 20,000: checked now, then hashed and written in "
            + "the background (202, follow Location)")
    ResponseEntity<?> importRoster(CurrentUser me, @RequestBody byte[] csv) {
        policy.requireAdmin(me);
        RosterImport.Plan plan = rosterImport.plan(me, csv);
        if (plan.rows() <= RosterImports.IN_REQUEST_ROWS) {
            RosterImport.Result result = rosterImport.write(me, plan, rosterImport.hash(plan, () -> { }));
            return ResponseEntity.status(201).body(result);
        }
        RosterImports.Job job = rosterImports.start(me, plan);
        return ResponseEntity.accepted().location(URI.create("/api/roster/imports/" + job.id())).body(job);
    }

    @GetMapping("/roster/imports/{id}")
    @Operation(summary = "A background roster import: waiting, hashing (how many done), writing, done with its result "
            + "(initial passwords included, for an hour) or failed and why (admin)")
    RosterImports.Job rosterImportJob(CurrentUser me, @PathVariable String id) {
        policy.requireAdmin(me);
        return rosterImports.find(me.schoolId(), id).orElseThrow(() -> ApiException.notFound("roster-import", id));
    }

    private Person personOfSchool(CurrentUser me, long id) {
        long school = roster.schoolOfUser(id).orElseThrow(() -> ApiException.notFound("user", id));
        policy.checkSameSchool(me, school, "user", id);
        return roster.person(id).orElseThrow();
    }

    record ClassRequest(@NotBlank @Size(max = 100) String name, @NotNull @Min(1) @Max(12) Integer grade) {
    }

    record AssignmentRequest(@NotNull Long teacherId, @NotNull Long classId, @NotNull Long subjectId) {
    }

    record UserRequest(
            @NotBlank @Size(min = 2, max = 64) @Pattern(regexp = "[A-Za-z0-9._@-]+", message = "{xueban.username.pattern}")
            String username,
            @NotBlank @Size(max = 100) String displayName,
            @NotNull Role role,
            @NotBlank @Size(min = 8, max = 200) String password) {
    }

    /** @param email where alerts are e-mailed to; an empty string removes it */
    record UserUpdate(@Size(min = 1, max = 100) String displayName, Boolean enabled,
                      @Size(min = 8, max = 200) String password, @Email @Size(max = 200) String email) {
    }
}
