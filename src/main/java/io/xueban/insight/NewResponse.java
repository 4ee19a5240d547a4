package io.xueban.insight;

import java.time.Instant;

/** A checked answer, ready to store: at least one of correct and score is set. */
public record NewResponse(long schoolId, long studentId, long itemId, Boolean correct, Double score,
                          String answerText, Long timeTakenMs, ResponseSource source, Instant answeredAt) {
}
