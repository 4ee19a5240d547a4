package io.xueban.insight;

import java.time.Instant;

/**
 * A checked answer, ready to store: at least one of correct and score is set.
 *
 * @param assignmentId the assignment it was handed in for, else null
 */
public record NewResponse(long schoolId, long studentId, long itemId, Boolean correct, Double score,
                          String answerText, Long timeTakenMs, ResponseSource source, Instant answeredAt,
                          Long assignmentId) {

    /** An answer given outside any assignment. */
    public NewResponse(long schoolId, long studentId, long itemId, Boolean correct, Double score, String answerText,
            Long timeTakenMs, ResponseSource source, Instant answeredAt) {
        this(schoolId, studentId, itemId, correct, score, answerText, timeTakenMs, source, answeredAt, null);
    }
}
