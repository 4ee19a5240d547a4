package io.xueban.lessonplan;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.poi.ooxml.POIXMLProperties;

import tools.jackson.databind.json.JsonMapper;

/**
 * The implicit label of generated content (《人工智能生成合成内容标识办法》, GB 45438-2025) that an
 * exported file carries in its metadata beside the visible one: the "AIGC" element with the
 * label (1: generated), who produced it and the content's id, and who passes it on and as what.
 */
record AiLabel(String produceId, String propagateId) {

    static final String PRODUCER = "学伴 Xueban";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The label's fields in the standard's order and names. */
    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Label", "1");
        fields.put("ContentProducer", PRODUCER);
        fields.put("ProduceID", produceId);
        fields.put("ReservedCode1", "");
        fields.put("ContentPropagator", PRODUCER);
        fields.put("PropagateID", propagateId);
        fields.put("ReservedCode2", "");
        return fields;
    }

    String json() {
        return JSON.writeValueAsString(fields());
    }

    /** Into an Office document's properties: the custom property "AIGC", and the visible label as its description. */
    void writeTo(POIXMLProperties properties, String title) {
        properties.getCoreProperties().setTitle(title);
        properties.getCoreProperties().setCreator(PRODUCER);
        properties.getCoreProperties().setDescription(LessonPlanMarkdown.AI_LABEL);
        properties.getExtendedProperties().setApplication(PRODUCER);
        properties.getCustomProperties().addProperty("AIGC", json());
    }

    /** Ahead of a Markdown file: the label as front matter. */
    String frontMatter() {
        return "---\nAIGC: " + json() + "\n---\n\n";
    }
}
