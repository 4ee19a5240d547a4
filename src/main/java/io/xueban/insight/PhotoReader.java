package io.xueban.insight;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import io.xueban.curriculum.ItemFacts;
import io.xueban.curriculum.Items;
import io.xueban.llm.LlmCall;
import io.xueban.llm.LlmGateway;
import io.xueban.llm.ModelRole;
import io.xueban.llm.Priority;
import io.xueban.llm.PromptTemplates;
import io.xueban.security.CurrentUser;
import io.xueban.security.Role;
import io.xueban.system.ApiException;

/**
 * The vision model reading a photo of a student's work against the item and its key: what is
 * written, and a suggested mark that stays a suggestion (a teacher marks). Photos are checked
 * first (size, type, readable), so nothing is sent that cannot be read.
 */
@Service
public class PhotoReader {

    /** What the model read, and the mark it suggests for a teacher to confirm or change. */
    public record Reading(String mediaType, String transcription, List<String> steps, boolean suggestedCorrect,
            double confidence, String feedback) {
    }

    private final LlmGateway gateway;
    private final PromptTemplates prompts;
    private final Items items;
    private final PhotoSettings settings;

    PhotoReader(LlmGateway gateway, PromptTemplates prompts, Items items, PhotoSettings settings) {
        this.gateway = gateway;
        this.prompts = prompts;
        this.items = items;
        this.settings = settings;
    }

    /** Reads a photo of the answer to one of the school's items (413, 415, 422 for a photo that cannot be read). */
    public Reading read(CurrentUser me, long itemId, byte[] image) {
        String mediaType = checked(image);
        ItemFacts item = items.findFacts(me.schoolId(), itemId).orElseThrow(() -> ApiException.notFound("item", itemId));
        PhotoReading reading = read(me, item, image, mediaType);
        return new Reading(mediaType, reading.transcription(), reading.steps() == null ? List.of() : reading.steps(),
                reading.correct(), reading.confidence(), reading.feedback());
    }

    /** The photo's media type once it is known to be small enough, an image and readable. */
    String checked(byte[] image) {
        if (image.length > settings.maxSize().toBytes()) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", settings.maxSize().toMegabytes());
        }
        String mediaType = mediaType(image);
        checkReadable(image, mediaType);
        return mediaType;
    }

    PhotoReading read(CurrentUser me, ItemFacts item, byte[] image, String mediaType) {
        String question = prompts.render("insight/photo-item", Map.of(
                "itemType", item.type().name(),
                "stem", item.stem() + (item.options() == null ? "" : "\n" + options(item.options())),
                "answerKey", item.answerKey()));
        List<ChatMessage> messages = List.of(
                SystemMessage.from(prompts.render("insight/photo-reading", Map.of())),
                UserMessage.from(TextContent.from(question),
                        ImageContent.from(Base64.getEncoder().encodeToString(image), mediaType)));
        LlmCall call = LlmCall.of(ModelRole.VISION, me.is(Role.STUDENT) ? Priority.STUDENT : Priority.TEACHER, me.id(),
                messages).withTemperature(0);
        return gateway.generate(call, PhotoReading.class, reading -> reading.transcription() == null
                || reading.transcription().isBlank() ? List.of("transcription is empty") : List.of());
    }

    private static String options(List<String> options) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < options.size(); i++) {
            text.append((char) ('A' + i)).append(". ").append(options.get(i)).append('\n');
        }
        return text.toString().strip();
    }

    /** JPEG, PNG or WebP by their first bytes; anything else is refused with 415. */
    static String mediaType(byte[] image) {
        if (image.length >= 3 && (image[0] & 0xFF) == 0xFF && (image[1] & 0xFF) == 0xD8 && (image[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        if (image.length >= 8 && (image[0] & 0xFF) == 0x89 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G') {
            return "image/png";
        }
        if (image.length >= 12 && image[0] == 'R' && image[1] == 'I' && image[2] == 'F' && image[3] == 'F'
                && image[8] == 'W' && image[9] == 'E' && image[10] == 'B' && image[11] == 'P') {
            return "image/webp";
        }
        throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-image-type");
    }

    /** A JPEG or PNG must decode and be large enough to hold handwriting (WebP is passed on as it is). */
    private static void checkReadable(byte[] image, String mediaType) {
        if (mediaType.equals("image/webp")) {
            return;
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(image));
        } catch (IOException | RuntimeException e) {
            decoded = null;
        }
        if (decoded == null) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "image-unreadable");
        }
        if (decoded.getWidth() < 64 || decoded.getHeight() < 64) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "image-too-small", decoded.getWidth(),
                    decoded.getHeight());
        }
    }

}
