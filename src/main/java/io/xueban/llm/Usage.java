package io.xueban.llm;

/** What a finished call cost and how fast it went. */
public record Usage(String backend, String model, Integer inputTokens, Integer outputTokens, long queueMillis,
                    long firstTokenMillis, long totalMillis) {
}
