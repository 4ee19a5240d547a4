package io.xueban.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.springframework.core.io.ClassPathResource;

import io.xueban.curriculum.ItemType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo unit ({@code demo/curriculum.json}) as the term simulation sees it: its knowledge
 * points in the file's order (prerequisites first, the order they are taught) and its items,
 * each with the point it is written for first (the latest-taught of its points).
 */
public final class DemoUnit {

    private final DemoCurriculum curriculum;
    private final List<MasterySimulation.Point> points;
    private final List<MasterySimulation.Item> items;

    private DemoUnit(DemoCurriculum curriculum) {
        this.curriculum = curriculum;
        Map<String, Integer> index = new HashMap<>();
        for (DemoCurriculum.KpEntry kp : curriculum.knowledgePoints()) {
            index.put(kp.code(), index.size());
        }
        List<MasterySimulation.Point> points = new ArrayList<>();
        for (DemoCurriculum.KpEntry kp : curriculum.knowledgePoints()) {
            points.add(new MasterySimulation.Point(kp.grade(), kp.prerequisites().stream().mapToInt(code -> {
                Integer at = index.get(code);
                if (at == null || at >= points.size()) {
                    throw new IllegalStateException("demo/curriculum.json: " + kp.code() + " needs " + code
                            + ", which is not listed before it");
                }
                return at;
            }).toArray()));
        }
        List<MasterySimulation.Item> items = new ArrayList<>();
        for (DemoCurriculum.ItemEntry item : curriculum.items()) {
            int[] kps = item.kps().stream().map(index::get).sorted(Comparator.reverseOrder()).mapToInt(Integer::intValue)
                    .toArray();
            // A single choice can be guessed; a multiple choice hardly (one set of options of 15), a blank or
            // an open answer not.
            int options = item.type() == ItemType.SINGLE_CHOICE ? item.options().size() : 0;
            int key = options > 0 ? item.answer().charAt(0) - 'A' : -1;
            items.add(new MasterySimulation.Item(kps, item.type(), options, key, item.difficulty(), item.discrimination()));
        }
        this.points = List.copyOf(points);
        this.items = List.copyOf(items);
    }

    /** Reads the unit from the class path. */
    public static DemoUnit load() {
        try (InputStream in = new ClassPathResource("demo/curriculum.json").getInputStream()) {
            return new DemoUnit(JsonMapper.builder().build().readValue(in, DemoCurriculum.class));
        } catch (IOException e) {
            throw new UncheckedIOException("demo/curriculum.json is missing from the build", e);
        }
    }

    DemoCurriculum curriculum() {
        return curriculum;
    }

    /** The knowledge points, in teaching order. */
    public List<MasterySimulation.Point> points() {
        return points;
    }

    /** The items, in the file's order. */
    public List<MasterySimulation.Item> items() {
        return items;
    }

    /** The points' indexes in teaching order. */
    public List<Integer> teachingOrder() {
        return IntStream.range(0, points.size()).boxed().toList();
    }

    /** The items' codes, in the file's order. */
    public List<String> itemCodes() {
        return curriculum.items().stream().map(DemoCurriculum.ItemEntry::code).toList();
    }

    /** The code of a point by index. */
    public String pointCode(int index) {
        return curriculum.knowledgePoints().get(index).code();
    }
}
