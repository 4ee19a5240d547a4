package io.xueban.llm;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FairQueueTest {

    record Call(String label, Priority priority, long userId, ModelRole role) implements FairQueue.Entry {
    }

    private final FairQueue<Call> queue = new FairQueue<>();

    @Test
    void usersTakeTurnsWithinAClass() {
        for (int i = 1; i <= 3; i++) {
            queue.add(new Call("a" + i, Priority.STUDENT, 1, ModelRole.CHAT));
        }
        queue.add(new Call("b1", Priority.STUDENT, 2, ModelRole.CHAT));
        queue.add(new Call("c1", Priority.STUDENT, 3, ModelRole.CHAT));

        assertThat(drain()).containsExactly("a1", "b1", "c1", "a2", "a3");
    }

    @Test
    void higherClassesGoFirst() {
        queue.add(new Call("batch", Priority.BATCH, 1, ModelRole.CHAT));
        queue.add(new Call("student", Priority.STUDENT, 2, ModelRole.CHAT));
        queue.add(new Call("teacher", Priority.TEACHER, 3, ModelRole.CHAT));

        assertThat(drain()).containsExactly("teacher", "student", "batch");
    }

    @Test
    void aBackendOnlyTakesRolesItServesWithoutLosingOthersTurn() {
        queue.add(new Call("vision", Priority.TEACHER, 1, ModelRole.VISION));
        queue.add(new Call("chat", Priority.TEACHER, 2, ModelRole.CHAT));

        assertThat(queue.poll(role -> role == ModelRole.CHAT).label()).isEqualTo("chat");
        assertThat(queue.poll(role -> role == ModelRole.CHAT)).isNull();
        assertThat(queue.poll(role -> true).label()).isEqualTo("vision");
    }

    @Test
    void aRetryGoesBackToTheHeadOfItsUsersQueue() {
        Call first = new Call("a1", Priority.STUDENT, 1, ModelRole.CHAT);
        queue.add(new Call("a2", Priority.STUDENT, 1, ModelRole.CHAT));
        queue.addFirst(first);
        assertThat(drain()).containsExactly("a1", "a2");
    }

    @Test
    void removedCallsAreGoneAndCountsStayRight() {
        Call a1 = new Call("a1", Priority.STUDENT, 1, ModelRole.CHAT);
        queue.add(a1);
        queue.add(new Call("b1", Priority.STUDENT, 2, ModelRole.CHAT));
        assertThat(queue.remove(a1)).isTrue();
        assertThat(queue.remove(a1)).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.queuedBy(Priority.STUDENT, 1)).isZero();
        assertThat(drain()).containsExactly("b1");
    }

    @Test
    void estimatesHowManyGoAheadOfANewCall() {
        queue.add(new Call("t", Priority.TEACHER, 9, ModelRole.CHAT));
        for (int i = 1; i <= 5; i++) {
            queue.add(new Call("a" + i, Priority.STUDENT, 1, ModelRole.CHAT));
        }
        queue.add(new Call("b1", Priority.STUDENT, 2, ModelRole.CHAT));
        // A new user's first call: the teacher's, then one turn each for users 1 and 2.
        assertThat(queue.ahead(Priority.STUDENT, 3, ModelRole.CHAT)).isEqualTo(3);
        // User 2's second call: the teacher's, its own first, and two of user 1's turns.
        assertThat(queue.ahead(Priority.STUDENT, 2, ModelRole.CHAT)).isEqualTo(4);
    }

    private List<String> drain() {
        List<String> order = new ArrayList<>();
        for (Call next = queue.poll(role -> true); next != null; next = queue.poll(role -> true)) {
            order.add(next.label());
        }
        assertThat(queue.size()).isZero();
        return order;
    }
}
