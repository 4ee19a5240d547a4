package io.xueban.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Periodic work runs on Boot's one task scheduler ({@code spring.task.scheduling}). */
@Configuration
@EnableScheduling
class Scheduling {
}
