package io.xueban.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code xueban.demo.*}: whether to load the demo school on first start, and the simulation's seed. */
@ConfigurationProperties("xueban.demo")
record DemoSettings(boolean enabled, long seed) {
}
