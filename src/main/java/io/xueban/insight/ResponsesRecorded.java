package io.xueban.insight;

import java.util.List;

/** Published after answers are stored (in the same transaction), for models that learn from them. */
public record ResponsesRecorded(long schoolId, List<NewResponse> responses) {
}
