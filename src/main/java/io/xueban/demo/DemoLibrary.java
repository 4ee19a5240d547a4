package io.xueban.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

import io.xueban.curriculum.KnowledgePoint;
import io.xueban.curriculum.KnowledgePoints;
import io.xueban.knowledge.DocumentKind;
import io.xueban.knowledge.DocumentMetadata;
import io.xueban.knowledge.KnowledgeIngestion;
import io.xueban.knowledge.Visibility;

/**
 * The demo school's library (名师智库): the Markdown files under {@code demo/knowledge/}, each
 * with a front matter block (title, kind, author, grade, unit, kps as knowledge-point codes).
 * They go through the same ingestion as an upload.
 */
@Component
public class DemoLibrary {

    static final String LOCATION = "classpath:demo/knowledge/*.md";

    private final KnowledgeIngestion ingestion;
    private final KnowledgePoints knowledgePoints;

    DemoLibrary(KnowledgeIngestion ingestion, KnowledgePoints knowledgePoints) {
        this.ingestion = ingestion;
        this.knowledgePoints = knowledgePoints;
    }

    /** One library file as shipped: its name and its front matter. */
    public record Entry(String fileName, byte[] content, Map<String, String> frontMatter) {
    }

    /**
     * Adds every demo document to the school's library (school-visible, subject and KPs
     * resolved by code) and returns how many; ingestion goes on in the background.
     */
    public int load(long schoolId, long ownerId, Long subjectId) {
        Map<String, Long> kpIds = new HashMap<>();
        for (KnowledgePoint kp : knowledgePoints.list(schoolId, subjectId)) {
            kpIds.put(kp.code(), kp.id());
        }
        List<Entry> entries = entries();
        for (Entry entry : entries) {
            Map<String, String> meta = entry.frontMatter();
            List<Long> kps = new ArrayList<>();
            for (String code : meta.getOrDefault("kps", "").split("[,，\\s]+")) {
                if (!code.isBlank()) {
                    Long id = kpIds.get(code);
                    if (id == null) {
                        throw new IllegalStateException(entry.fileName() + " names an unknown knowledge point " + code);
                    }
                    kps.add(id);
                }
            }
            ingestion.add(schoolId, ownerId, entry.fileName(), entry.content(), new DocumentMetadata(
                    meta.get("title"), subjectId, meta.containsKey("grade") ? Integer.valueOf(meta.get("grade")) : null,
                    meta.get("unit"), kps, DocumentKind.valueOf(meta.getOrDefault("kind", "OTHER")), meta.get("author"),
                    Visibility.SCHOOL));
        }
        return entries.size();
    }

    /** The shipped library files in name order. */
    public static List<Entry> entries() {
        try {
            Resource[] resources = new PathMatchingResourcePatternResolver().getResources(LOCATION);
            return Arrays.stream(resources)
                    .sorted(Comparator.comparing(Resource::getFilename))
                    .map(DemoLibrary::entry)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the demo library", e);
        }
    }

    private static Entry entry(Resource resource) {
        try {
            byte[] content = resource.getContentAsByteArray();
            return new Entry(resource.getFilename(), content,
                    frontMatter(new String(content, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    /** The "key: value" lines between the leading "---" lines. */
    static Map<String, String> frontMatter(String text) {
        Map<String, String> values = new HashMap<>();
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().strip().equals("---")) {
            return values;
        }
        for (String line : lines.subList(1, lines.size())) {
            if (line.strip().equals("---")) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                values.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return values;
    }
}
