package io.xueban.llm;

import java.util.Locale;

/** What a call needs from a model; each task names a role, never a model. */
public enum ModelRole {
    /** A fast instruct model for conversation. */
    CHAT,
    /** A thinking model for lesson design; its thinking is never shown or stored. */
    REASONING,
    /** A model that reads photos of students' work. */
    VISION;

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
