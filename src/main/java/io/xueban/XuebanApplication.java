package io.xueban;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Xueban (学伴): a self-hosted teaching-assistant backend for secondary schools. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class XuebanApplication {

    public static void main(String[] args) {
        SpringApplication.run(XuebanApplication.class, args);
    }
}
