package io.xueban.curriculum;

/** Kinds of question: 单选, 多选, 填空, 解答 (open, scored by a person or a model). */
public enum ItemType {
    SINGLE_CHOICE, MULTIPLE_CHOICE, FILL_IN, OPEN;

    public boolean isChoice() {
        return this == SINGLE_CHOICE || this == MULTIPLE_CHOICE;
    }
}
