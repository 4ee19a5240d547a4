package io.xueban.school;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.xueban.security.PasswordRules;
import io.xueban.security.Role;

/**
 * Creates the school and admin named by {@code xueban.bootstrap.*} unless a school with that
 * code exists. Runs before the demo loader, so a bootstrapped embedded database gets no demo.
 */
@Component
@Order(0)
class SchoolBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SchoolBootstrap.class);
    private static final int MIN_PASSWORD = 12;

    private final Roster roster;
    private final PasswordRules rules;
    private final BootstrapSettings settings;
    private final TransactionTemplate transaction;

    SchoolBootstrap(Roster roster, PasswordRules rules, BootstrapSettings settings, PlatformTransactionManager transactions) {
        this.roster = roster;
        this.rules = rules;
        this.settings = settings;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public void run(ApplicationArguments args) {
        bootstrap();
    }

    /** Returns whether a school was created; school and admin are created together or not at all. */
    boolean bootstrap() {
        if (!settings.configured() || roster.schoolByCode(settings.schoolCode()).isPresent()) {
            return false;
        }
        if (settings.adminPassword().length() < MIN_PASSWORD) {
            throw new IllegalStateException("xueban.bootstrap.admin-password must have at least " + MIN_PASSWORD
                    + " characters");
        }
        if (rules.problem(settings.adminPassword(), Role.ADMIN, settings.adminUsername()).isPresent()) {
            throw new IllegalStateException("xueban.bootstrap.admin-password is too easy to guess (a common password, a run"
                    + " or repeat of characters, or the username): choose a longer, less common one");
        }
        String name = settings.schoolName() == null || settings.schoolName().isBlank()
                ? settings.schoolCode() : settings.schoolName();
        transaction.executeWithoutResult(status -> {
            long school = roster.createSchool(settings.schoolCode(), name);
            roster.createUser(school, settings.adminUsername(), "管理员", Role.ADMIN, settings.adminPassword(), false);
        });
        log.info("Created school '{}' ({}) with admin account '{}'. Remove xueban.bootstrap.admin-password from the "
                + "configuration now.", name, settings.schoolCode(), settings.adminUsername());
        return true;
    }
}
