package io.xueban.insight;

import java.util.List;

/**
 * A model of what a student has mastered, fitted on the histories of some students and then
 * followed response by response for any student: predict the next answer, then observe it.
 */
interface MasteryModel {

    String name();

    /** Fits the model's parameters to these students' histories (each in time order). */
    void fit(List<List<Attempt>> histories, int items, int kps);

    /** A fresh student, before any answer. */
    Tracker track();

    /** One student's state. */
    interface Tracker {

        /** The probability that the student answers this item right now. */
        double predict(int item, int[] kps);

        /** Updates the state with an answer. */
        void observe(Attempt attempt);

        /** The probability that the student has mastered this knowledge point. */
        double mastery(int kp);
    }
}
