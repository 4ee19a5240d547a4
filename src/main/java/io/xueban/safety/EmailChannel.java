package io.xueban.safety;

import java.util.Locale;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Delivery by e-mail, to staff who have an address, when the school configured a mail server
 * ({@code spring.mail.host}). At least once: a crash between sending and marking the outbox row
 * sends the mail again, which for an alert about a child is the right side to err on.
 */
@Component
class EmailChannel {

    private final ObjectProvider<JavaMailSender> mail;
    private final JdbcClient jdbc;
    private final MessageSource messages;
    private final String from;

    EmailChannel(ObjectProvider<JavaMailSender> mail, JdbcClient jdbc, MessageSource messages,
            @Value("${xueban.safety.mail-from:xueban@localhost}") String from) {
        this.mail = mail;
        this.jdbc = jdbc;
        this.messages = messages;
        this.from = from;
    }

    /** Whether a mail server is configured. */
    boolean enabled() {
        return mail.getIfAvailable() != null;
    }

    void deliver(AlertDelivery.Pending row) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            throw new IllegalStateException("no mail server is configured (spring.mail.host)");
        }
        String to = jdbc.sql("SELECT email FROM app_user WHERE id = ?").param(row.recipientId()).query(String.class)
                .optional().orElseThrow(() -> new IllegalStateException("user " + row.recipientId() + " has no e-mail address"));
        SimpleMailMessage message = new SimpleMailMessage();
        jdbc.sql("""
                        SELECT u.display_name, a.category, a.excerpt FROM alert a JOIN app_user u ON u.id = a.student_id
                        WHERE a.id = ?""")
                .param(row.alertId())
                .query(rs -> {
                    String category = messages.getMessage("safety.category." + rs.getString(2), null,
                            Locale.SIMPLIFIED_CHINESE);
                    message.setSubject(messages.getMessage("safety.mail.subject", new Object[] {category},
                            Locale.SIMPLIFIED_CHINESE));
                    message.setText(messages.getMessage("safety.notification", new Object[] {rs.getString(1), category,
                            rs.getString(3)}, Locale.SIMPLIFIED_CHINESE));
                });
        message.setFrom(from);
        message.setTo(to);
        sender.send(message);
    }
}
