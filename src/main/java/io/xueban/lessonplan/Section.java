package io.xueban.lessonplan;

/** The sections a lesson plan can have, with their usual headings; a school's template orders and names them. */
enum Section {
    OBJECTIVES("教学目标"),
    KEY_POINTS("教学重点"),
    DIFFICULTIES("教学难点"),
    LEARNER_ANALYSIS("学情分析"),
    PREPARATION("教学准备"),
    PROCESS("教学过程"),
    BOARD_DESIGN("板书设计"),
    EXIT_TICKET("课堂检测"),
    HOMEWORK("分层作业"),
    REFERENCES("参考资料");

    private final String heading;

    Section(String heading) {
        this.heading = heading;
    }

    String defaultHeading() {
        return heading;
    }
}
