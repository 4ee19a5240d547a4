package io.xueban.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.xueban.curriculum.ItemType;

/**
 * A term of learning as it happens in a class, to write demo answers from and to check the
 * mastery model against: each student either has or has not mastered each knowledge point, and
 * that state changes over the term. It is not the model Xueban fits (a hidden state per point
 * with a guess and a slip per item), so agreement with the truth it stores means something:
 *
 * <ul>
 * <li>Points are taught in order, a few a week (one a school day); a student learns a point while
 *     it is taught and practised, with a chance that grows with the student's aptitude, and hardly
 *     at all before its prerequisites are mastered.</li>
 * <li>Points of earlier grades may be mastered from the start (more often by abler students).</li>
 * <li>A mastered point not practised for more than two weeks is lost with a chance of 1% a
 *     week.</li>
 * <li>An answer is right when the student has mastered all of the item's points, unless they slip
 *     (less able students slip more, and more on a harder item); otherwise right only by a guess,
 *     more likely with one of two points mastered, rarely in a blank and never in an open answer.
 *     Some students hold a misconception on a point and then choose the distractor it leads
 *     to.</li>
 * </ul>
 */
public final class MasterySimulation {

    /** A knowledge point: its grade and the points (by index) it needs. */
    public record Point(int grade, int[] prerequisites) {
    }

    /**
     * An item: the points it tests (by index, the one it is written for first), its type, its
     * options to guess from (0 when a guess is hopeless, as for a multiple choice or a blank), its
     * key, and how hard it is for a student who has mastered its points (difficulty on the usual
     * logit scale, discrimination how much aptitude matters).
     */
    public record Item(int[] points, ItemType type, int options, int key, double difficulty, double discrimination) {
    }

    /**
     * One answer: the item, whether it was right, the option chosen (-1 for an item without
     * options), the week of the term and the school day in it (0–4).
     */
    public record Answer(int item, boolean correct, int option, int week, int day) {
    }

    /** One student: aptitude, the answers in time order, and the true state of each point at the end. */
    public record Student(double aptitude, List<Answer> answers, boolean[] masteredAtEnd) {
    }

    private final List<Point> points;
    private final List<Item> items;
    private final int currentGrade;
    private final int pointsPerWeek;
    private final Random random;

    /**
     * @param currentGrade the grade of the class: points of earlier grades may be known already
     * @param pointsPerWeek points taught a week (1–5), one a school day
     */
    public MasterySimulation(List<Point> points, List<Item> items, int currentGrade, int pointsPerWeek, long seed) {
        if (pointsPerWeek < 1 || pointsPerWeek > 5) {
            throw new IllegalArgumentException("pointsPerWeek must be 1 to 5, was " + pointsPerWeek);
        }
        this.points = List.copyOf(points);
        this.items = List.copyOf(items);
        this.currentGrade = currentGrade;
        this.pointsPerWeek = pointsPerWeek;
        this.random = new Random(seed);
    }

    /**
     * A student's term: the points in {@code teachingOrder}, {@code pointsPerWeek} a week, each
     * practised with {@code minItems} to {@code maxItems} of its items on the day it is taught,
     * then a review week at the end with one or two items of each point.
     */
    public Student student(double classMean, List<Integer> teachingOrder, int minItems, int maxItems) {
        double aptitude = classMean + random.nextGaussian();
        int n = points.size();
        boolean[] mastered = new boolean[n];
        int[] lastPractised = new int[n];
        Arrays.fill(lastPractised, -1);
        boolean[] misconception = new boolean[n];
        for (int k = 0; k < n; k++) {
            if (points.get(k).grade() < currentGrade) {
                mastered[k] = random.nextDouble() < sigmoid(0.6 + 1.2 * aptitude);
            }
            misconception[k] = random.nextDouble() < sigmoid(-2.2 - 0.6 * aptitude);
        }
        List<List<Integer>> itemsOf = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            itemsOf.add(new ArrayList<>());
        }
        for (int i = 0; i < items.size(); i++) {
            // An item counts as practice of its first point, the one it is written for.
            itemsOf.get(items.get(i).points()[0]).add(i);
        }
        // How readily this student learns each point: aptitude plus what suits them.
        double[] learning = new double[n];
        for (int k = 0; k < n; k++) {
            learning[k] = -0.6 + 0.9 * aptitude + 0.6 * random.nextGaussian();
        }
        List<Answer> answers = new ArrayList<>();
        int week = -1;
        for (int lesson = 0; lesson < teachingOrder.size(); lesson++) {
            int kp = teachingOrder.get(lesson);
            if (lesson % pointsPerWeek == 0) {
                week++;
                forget(mastered, lastPractised, week);
            }
            int day = lesson % pointsPerWeek;
            List<Integer> pool = itemsOf.get(kp);
            int count = pool.isEmpty() ? 0 : minItems + random.nextInt(maxItems - minItems + 1);
            for (int a = 0; a < count; a++) {
                // Taught and practised: a chance to learn before each item, if the ground is there.
                if (!mastered[kp] && random.nextDouble() < sigmoid(learning[kp] + (prerequisitesMastered(kp, mastered) ? 0 : -3.5))) {
                    mastered[kp] = true;
                    misconception[kp] = misconception[kp] && random.nextDouble() < 0.5;
                }
                int item = pool.get(random.nextInt(pool.size()));
                answers.add(answer(item, mastered, misconception, aptitude, week, day));
                for (int p : items.get(item).points()) {
                    lastPractised[p] = week;
                }
            }
        }
        week++;
        forget(mastered, lastPractised, week);
        List<Integer> review = new ArrayList<>();
        for (int kp : teachingOrder) {
            List<Integer> pool = itemsOf.get(kp);
            int count = pool.isEmpty() ? 0 : 1 + random.nextInt(2);
            for (int a = 0; a < count; a++) {
                review.add(pool.get(random.nextInt(pool.size())));
            }
        }
        for (int r = 0; r < review.size(); r++) {
            answers.add(answer(review.get(r), mastered, misconception, aptitude, week, r * 5 / review.size()));
        }
        return new Student(aptitude, answers, mastered.clone());
    }

    private boolean prerequisitesMastered(int kp, boolean[] mastered) {
        for (int p : points.get(kp).prerequisites()) {
            if (!mastered[p]) {
                return false;
            }
        }
        return true;
    }

    /** A point not practised for more than two weeks is lost with a chance of 1% a week. */
    private void forget(boolean[] mastered, int[] lastPractised, int week) {
        for (int k = 0; k < mastered.length; k++) {
            if (mastered[k] && lastPractised[k] >= 0 && week - lastPractised[k] > 2 && random.nextDouble() < 0.01) {
                mastered[k] = false;
            }
        }
    }

    private Answer answer(int index, boolean[] mastered, boolean[] misconception, double aptitude, int week, int day) {
        Item item = items.get(index);
        int known = 0;
        boolean misled = false;
        for (int p : item.points()) {
            known += mastered[p] ? 1 : 0;
            misled |= misconception[p];
        }
        boolean correct;
        if (known == item.points().length) {
            correct = random.nextDouble() >= sigmoid(-2.6 + 0.25 * item.discrimination() * (item.difficulty() - aptitude));
        } else if (item.type() == ItemType.OPEN) {
            correct = false;
        } else if (item.options() == 0) {
            correct = random.nextDouble() < 0.03; // a lucky number in a blank, a lucky set of options
        } else {
            double guess = misled ? 0.05 : known > 0 ? 0.4 : 1.0 / item.options();
            correct = random.nextDouble() < guess;
        }
        int option = -1;
        if (item.options() > 0) {
            option = correct ? item.key() : misled && item.options() > 1 ? misleading(item) : wrongOption(item);
        }
        return new Answer(index, correct, option, week, day);
    }

    /** The distractor a misconception leads to: the option after the key. */
    private static int misleading(Item item) {
        return (item.key() + 1) % item.options();
    }

    private int wrongOption(Item item) {
        int pick = random.nextInt(item.options() - 1);
        return pick >= item.key() ? pick + 1 : pick;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
