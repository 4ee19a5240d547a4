package io.xueban.demo;

import java.util.List;

import io.xueban.curriculum.BloomLevel;
import io.xueban.curriculum.ItemType;

/**
 * The demo unit as stored in {@code demo/curriculum.json}. Item difficulty and discrimination
 * decide how often a student who has mastered an item's points still gets it wrong in the
 * simulated term ({@link MasterySimulation}).
 */
record DemoCurriculum(SubjectEntry subject, List<KpEntry> knowledgePoints, List<ItemEntry> items) {

    record SubjectEntry(String code, String name) {
    }

    record KpEntry(String code, String name, String unit, int grade, String description, List<String> prerequisites) {
    }

    record ItemEntry(String code, ItemType type, String stem, List<String> options, String answer, String explanation,
                     BloomLevel bloom, double difficulty, double discrimination, List<String> kps) {
    }
}
