package io.xueban.tutor;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The study buddy and the teacher assistant: {@code xueban.tutor.*}.
 *
 * @param streamInterval a streaming reply is written to its client at most this often; tokens
 *                       the model sends sooner go out together (0: each token on its own)
 */
@ConfigurationProperties("xueban.tutor")
record TutorSettings(@DefaultValue("100ms") Duration streamInterval) {

    TutorSettings {
        if (streamInterval.isNegative() || streamInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("xueban.tutor.stream-interval must be between 0 and 1s, not "
                    + streamInterval);
        }
    }
}
