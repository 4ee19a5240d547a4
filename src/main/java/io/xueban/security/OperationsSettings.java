package io.xueban.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code xueban.operations.*}: the instance's metrics ({@code /actuator/metrics},
 * {@code /actuator/prometheus}, {@code /actuator/info}) are the operator's, not any school's: they
 * answer a request that carries {@code Authorization: Bearer <metrics-token>} (what Prometheus
 * sends), and nobody when no token is set.
 */
@ConfigurationProperties("xueban.operations")
record OperationsSettings(String metricsToken) {

    boolean isOperator(String presented) {
        return metricsToken != null && !metricsToken.isBlank() && presented != null
                && MessageDigest.isEqual(metricsToken.getBytes(StandardCharsets.UTF_8),
                        presented.getBytes(StandardCharsets.UTF_8));
    }
}
