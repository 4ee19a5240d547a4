package io.xueban.system;

import java.time.Clock;
import java.time.ZoneId;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Cross-cutting beans shared by every feature. */
@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    /** The one clock every feature reads time from, so tests can move it. */
    /** The school's time zone, in which pages, exports and messages show times ({@code xueban.time-zone}). */
    @Bean
    ZoneId schoolZone(@Value("${xueban.time-zone:Asia/Shanghai}") ZoneId zone) {
        return zone;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
