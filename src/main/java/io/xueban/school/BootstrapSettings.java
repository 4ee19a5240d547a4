package io.xueban.school;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code xueban.bootstrap.*}: the first school and its admin account, for a new production
 * database. Set them once (e.g. as environment variables), start, sign in, change the password.
 */
@ConfigurationProperties("xueban.bootstrap")
record BootstrapSettings(String schoolCode, String schoolName, String adminUsername, String adminPassword) {

    boolean configured() {
        return schoolCode != null && !schoolCode.isBlank() && adminUsername != null && !adminUsername.isBlank()
                && adminPassword != null;
    }
}
