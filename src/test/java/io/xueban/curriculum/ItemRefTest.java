package io.xueban.curriculum;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ItemRefTest {

    @Test
    void choiceAnswersIgnoreCaseOrderAndSeparators() {
        ItemRef multiple = new ItemRef(1, 1, "M", ItemType.MULTIPLE_CHOICE, "AC");
        assertThat(multiple.mark("c,a")).contains(true);
        assertThat(multiple.mark("ＡＣ")).contains(true);
        assertThat(multiple.mark("A")).contains(false);
        assertThat(multiple.mark("ABC")).contains(false);
    }

    @Test
    void fillInAcceptsAnyListedFormIgnoringSpacesAndWidth() {
        ItemRef fillIn = new ItemRef(2, 1, "F", ItemType.FILL_IN, "4.8|24/5");
        assertThat(fillIn.mark(" 24 / 5 ")).contains(true);
        assertThat(fillIn.mark("４.８")).contains(true);
        assertThat(fillIn.mark("5")).contains(false);
    }

    @Test
    void typesetMinusMatchesTypedMinus() {
        ItemRef fillIn = new ItemRef(3, 1, "F", ItemType.FILL_IN, "−2√3");
        assertThat(fillIn.mark("-2√3")).contains(true);
    }

    @Test
    void openItemsAreNotMarkedAutomatically() {
        ItemRef open = new ItemRef(4, 1, "O", ItemType.OPEN, "证明略");
        assertThat(open.mark("证明如下……")).isEmpty();
        assertThat(new ItemRef(5, 1, "S", ItemType.SINGLE_CHOICE, "B").mark(null)).isEmpty();
    }
}
