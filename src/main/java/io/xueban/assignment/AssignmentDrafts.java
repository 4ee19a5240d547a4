package io.xueban.assignment;

import java.util.Comparator;
import java.util.List;

import org.springframework.stereotype.Service;

import io.xueban.assignment.AssignmentStore.Assignment;
import io.xueban.security.CurrentUser;

/**
 * What other features may ask of assignments (the teacher assistant's tools): a draft the
 * teacher then checks and publishes, a class's recent assignments, and one's results in short.
 * Checked exactly as the API is, with the caller's rights.
 */
@Service
public class AssignmentDrafts {

    /** An assignment in a line: what, of which kind, in which state. */
    public record Summary(long id, String title, String kind, String status, int students) {
    }

    /** @param weakest the items with the lowest share right, worst first: code and share right */
    public record ResultsSummary(long id, String title, int students, int submitted, int late, List<String> missing,
            Double meanScore, List<String> weakest) {
    }

    private final Assignments assignments;
    private final AssignmentResults results;

    AssignmentDrafts(Assignments assignments, AssignmentResults results) {
        this.assignments = assignments;
        this.results = results;
    }

    /** A draft homework for the whole of a class the caller teaches; returns its id. */
    public long draft(CurrentUser me, long classId, String title, List<Long> itemIds) {
        return assignments.create(me, new AssignmentRequest(classId, title, null, itemIds, null, null, null, null, null,
                null, null, null, null)).id();
    }

    /** The class's assignments, newest first, at most {@code limit}. */
    public List<Summary> recent(CurrentUser me, long classId, int limit) {
        return assignments.ofClass(me, classId).stream().limit(limit).map(a -> new Summary(a.id(), a.title(),
                a.kind().name(), a.status().name(), a.studentIds().size())).toList();
    }

    public ResultsSummary results(CurrentUser me, long id) {
        Assignment assignment = assignments.forStaff(me, id);
        AssignmentResults.Results r = results.results(assignment);
        List<String> missing = r.byStudent().stream().filter(s -> s.state().equals("MISSING"))
                .map(AssignmentResults.StudentResult::name).toList();
        Double mean = r.byStudent().stream().filter(s -> s.score() != null)
                .mapToDouble(AssignmentResults.StudentResult::score).average().stream().boxed().findFirst().orElse(null);
        List<String> weakest = r.byItem().stream().filter(i -> i.answered() > 0)
                .sorted(Comparator.comparingDouble(i -> (double) i.right() / i.answered()))
                .limit(3).map(i -> i.code() + " " + Math.round(100.0 * i.right() / i.answered()) + "%").toList();
        return new ResultsSummary(id, r.title(), r.students(), r.submitted(), r.late(), missing, mean, weakest);
    }
}
