package io.xueban.llm;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Calls waiting for a slot. Served by priority class first; inside a class, users take turns
 * (round robin), so one user's many calls never hold up another user's one. Not thread-safe:
 * the gateway guards it with its lock.
 */
final class FairQueue<T extends FairQueue.Entry> {

    /** What the queue needs to know about a waiting call. */
    interface Entry {
        Priority priority();

        long userId();

        ModelRole role();
    }

    private final Map<Priority, Lane<T>> lanes = new EnumMap<>(Priority.class);
    private int size;

    FairQueue() {
        for (Priority priority : Priority.values()) {
            lanes.put(priority, new Lane<>());
        }
    }

    void add(T entry) {
        lanes.get(entry.priority()).add(entry, false);
        size++;
    }

    /** Puts a call back at the head of its user's queue (a retry keeps its place). */
    void addFirst(T entry) {
        lanes.get(entry.priority()).add(entry, true);
        size++;
    }

    boolean remove(T entry) {
        if (lanes.get(entry.priority()).remove(entry)) {
            size--;
            return true;
        }
        return false;
    }

    /** The next call a backend serving {@code canServe} roles should take, or null. */
    T poll(Predicate<ModelRole> canServe) {
        for (Priority priority : Priority.values()) {
            T next = lanes.get(priority).poll(canServe);
            if (next != null) {
                size--;
                return next;
            }
        }
        return null;
    }

    int size() {
        return size;
    }

    int size(Priority priority) {
        return lanes.get(priority).size;
    }

    int queuedBy(Priority priority, long userId) {
        ArrayDeque<T> own = lanes.get(priority).byUser.get(userId);
        return own == null ? 0 : own.size();
    }

    /**
     * Roughly how many calls of {@code role} would be served before a new call of this user:
     * all of higher classes, and in its own class one turn per other waiting user for each call
     * the user already has waiting, plus one.
     */
    int ahead(Priority priority, long userId, ModelRole role) {
        int ahead = 0;
        for (Priority higher : Priority.values()) {
            if (higher == priority) {
                break;
            }
            ahead += lanes.get(higher).countFor(role);
        }
        Lane<T> lane = lanes.get(priority);
        int turns = queuedBy(priority, userId) + 1;
        int others = 0;
        for (Map.Entry<Long, ArrayDeque<T>> user : lane.byUser.entrySet()) {
            if (user.getKey() != userId) {
                int theirs = 0;
                for (T entry : user.getValue()) {
                    if (entry.role() == role) {
                        theirs++;
                    }
                }
                others += Math.min(theirs, turns);
            }
        }
        return ahead + others + turns - 1;
    }

    /** One priority class: a queue per user and the order in which users take turns. */
    private static final class Lane<T extends Entry> {

        final Map<Long, ArrayDeque<T>> byUser = new HashMap<>();
        final ArrayDeque<Long> turns = new ArrayDeque<>();
        int size;

        void add(T entry, boolean first) {
            ArrayDeque<T> own = byUser.get(entry.userId());
            if (own == null) {
                own = new ArrayDeque<>();
                byUser.put(entry.userId(), own);
                turns.addLast(entry.userId());
            }
            if (first) {
                own.addFirst(entry);
            } else {
                own.addLast(entry);
            }
            size++;
        }

        boolean remove(T entry) {
            ArrayDeque<T> own = byUser.get(entry.userId());
            if (own == null || !own.remove(entry)) {
                return false;
            }
            size--;
            if (own.isEmpty()) {
                byUser.remove(entry.userId());
                turns.remove(entry.userId());
            }
            return true;
        }

        T poll(Predicate<ModelRole> canServe) {
            if (size == 0) {
                return null;
            }
            Iterator<Long> users = turns.iterator();
            while (users.hasNext()) {
                long user = users.next();
                ArrayDeque<T> own = byUser.get(user);
                T head = own.peekFirst();
                if (head != null && canServe.test(head.role())) {
                    own.pollFirst();
                    size--;
                    users.remove();
                    if (own.isEmpty()) {
                        byUser.remove(user);
                    } else {
                        turns.addLast(user); // served: to the back of the line
                    }
                    return head;
                }
            }
            return null;
        }

        int countFor(ModelRole role) {
            int count = 0;
            for (ArrayDeque<T> own : byUser.values()) {
                for (T entry : own) {
                    if (entry.role() == role) {
                        count++;
                    }
                }
            }
            return count;
        }
    }
}
