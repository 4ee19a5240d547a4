package io.xueban.system;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Cross-cutting beans shared by every feature. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    /** The one clock every feature reads time from, so tests can move it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
