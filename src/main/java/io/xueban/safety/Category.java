package io.xueban.safety;

/** What moderation looks for, each with the severity it carries when found. */
public enum Category {
    SELF_HARM(Severity.HIGH),
    VIOLENCE(Severity.HIGH),
    BULLYING(Severity.MEDIUM),
    SEXUAL(Severity.MEDIUM),
    PERSONAL_INFO(Severity.LOW);

    private final Severity severity;

    Category(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }

    public enum Severity { LOW, MEDIUM, HIGH }
}
