package io.xueban.llm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;

/**
 * llama.cpp in this process (java-llama.cpp): one GGUF model, one generation at a time. Loading
 * is guarded: a missing or broken file, or a native library that will not load, is an
 * {@link EngineException} with a message for the administrator, never a crash of the service.
 * The native library is unpacked into a directory of this instance (the library's default, the
 * shared temp dir, is also where it deletes every "llama*" file it finds at start-up).
 */
final class EmbeddedEngine implements AutoCloseable {

    /** The engine could not start or could not do what was asked. */
    static final class EngineException extends RuntimeException {
        EngineException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One generation: the whole prompt, limits, and an optional GBNF grammar the output must follow. */
    record Generation(String prompt, int maxTokens, double temperature, String grammar, List<String> stop) {
    }

    /** What a generation produced. */
    record Result(String text, int promptTokens, int outputTokens, boolean stoppedByLimit) {
    }

    private static final Set<String> SCHEMA_TYPES = Set.of("object", "array", "string", "integer", "number", "boolean", "null");
    /** The keywords LangChain4j writes for our records, and nothing the native converter might choke on. */
    private static final Set<String> SCHEMA_KEYWORDS = Set.of("type", "properties", "required", "items", "enum",
            "description", "title", "additionalProperties", "$defs", "$ref", "anyOf", "const");

    private final LlamaModel model;
    private final String name;
    private final int contextSize;
    private boolean closed;

    private EmbeddedEngine(LlamaModel model, String name, int contextSize) {
        this.model = model;
        this.name = name;
        this.contextSize = contextSize;
    }

    /**
     * Loads a model file. {@code nativeDir} receives the native library; it must be this
     * instance's own directory.
     */
    static EmbeddedEngine load(Path modelFile, Path nativeDir, int contextSize, int threads) {
        if (!Files.isRegularFile(modelFile)) {
            throw new EngineException("The model file " + modelFile.toAbsolutePath() + " does not exist.", null);
        }
        prepareNative(nativeDir);
        ModelParameters parameters = new ModelParameters()
                .setModel(modelFile.toAbsolutePath().toString())
                .setCtxSize(contextSize)
                .setThreads(Math.max(1, threads))
                .setGpuLayers(0)
                .setParallel(1)
                .setLogVerbosity(-1);
        try {
            return new EmbeddedEngine(new LlamaModel(parameters), modelFile.getFileName().toString(), contextSize);
        } catch (RuntimeException e) {
            // The library says only "could not load model"; the reason went to its own log.
            throw new EngineException("llama.cpp could not load " + modelFile.toAbsolutePath()
                    + ": it is not a GGUF model this engine can run, or it is damaged (download it again).", e);
        } catch (LinkageError e) {
            throw new EngineException("The built-in model engine (llama.cpp) cannot run on this machine: " + e
                    + ". Install Ollama instead.", e);
        }
    }

    /** Points the native library at this instance's directory (before the library is first touched). */
    static void prepareNative(Path nativeDir) {
        try {
            Files.createDirectories(nativeDir);
        } catch (java.io.IOException e) {
            throw new EngineException("Cannot create " + nativeDir.toAbsolutePath() + " for the model engine's native library", e);
        }
        System.setProperty("de.kherud.llama.tmpdir", nativeDir.toAbsolutePath().toString());
    }

    String name() {
        return name;
    }

    /** Tokens of prompt and answer together that the model can hold. */
    int contextSize() {
        return contextSize;
    }

    /** The conversation as the model's own chat template writes it, ending where the assistant answers. */
    String prompt(String system, List<Turn> turns) {
        List<Pair<String, String>> messages = new ArrayList<>();
        for (Turn turn : turns) {
            messages.add(new Pair<>(turn.assistant() ? "assistant" : "user", turn.text()));
        }
        synchronized (this) {
            requireOpen();
            return model.applyTemplate(new InferenceParameters("").setMessages(system == null || system.isBlank() ? null : system,
                    messages));
        }
    }

    /** A message of the conversation: the user's (or a tool's result) or the assistant's. */
    record Turn(boolean assistant, String text) {
    }

    int countTokens(String text) {
        synchronized (this) {
            requireOpen();
            return model.encode(text).length;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new EngineException("The built-in model has been shut down.", null);
        }
    }

    /**
     * Generates, passing each piece of text on as it comes; stops at {@code maxTokens}, at the end
     * of the answer, or when {@code cancelled} says so (checked between tokens). One generation
     * at a time: others wait.
     */
    synchronized Result generate(Generation generation, Consumer<String> onText, BooleanSupplier cancelled) {
        requireOpen();
        InferenceParameters parameters = new InferenceParameters(generation.prompt())
                .setNPredict(generation.maxTokens())
                .setTemperature((float) generation.temperature())
                .setCachePrompt(false);
        if (generation.grammar() != null) {
            parameters.setGrammar(generation.grammar());
        }
        if (generation.stop() != null && !generation.stop().isEmpty()) {
            parameters.setStopStrings(generation.stop().toArray(String[]::new));
        }
        int promptTokens = model.encode(generation.prompt()).length;
        StringBuilder text = new StringBuilder();
        int pieces = 0;
        LlamaIterator iterator = model.generate(parameters).iterator();
        try {
            while (iterator.hasNext()) {
                if (cancelled.getAsBoolean()) {
                    iterator.cancel();
                    break;
                }
                LlamaOutput output = iterator.next();
                if (!output.text.isEmpty()) {
                    pieces++;
                    text.append(output.text);
                    onText.accept(output.text);
                }
            }
        } catch (RuntimeException e) {
            if (iterator.hasNext()) {
                iterator.cancel();
            }
            throw new EngineException("The built-in model failed while generating: " + e.getMessage(), e);
        }
        // Each piece is at least one sampled token (a character whose bytes span tokens comes as one
        // piece); the text encoded again counts the rest, as far as the limit allows.
        int encoded = text.isEmpty() ? 0 : model.encode(text.toString()).length;
        int outputTokens = Math.max(pieces, Math.min(encoded, generation.maxTokens()));
        boolean limited = !cancelled.getAsBoolean() && outputTokens >= generation.maxTokens() - 1;
        return new Result(text.toString(), promptTokens, outputTokens, limited);
    }

    /**
     * A GBNF grammar for output that matches a JSON schema. The schema is checked first: the
     * native converter ends the whole process on a schema it does not understand.
     */
    static String grammarFor(Map<String, Object> schema, String schemaJson) {
        Set<String> definitions = schema.get("$defs") instanceof Map<?, ?> defs
                ? defs.keySet().stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet()) : Set.of();
        checkSchema(schema, "$", definitions);
        return LlamaModel.jsonSchemaToGrammar(schemaJson);
    }

    private static void checkSchema(Object node, String where, Set<String> definitions) {
        if (!(node instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("Not a JSON schema object at " + where);
        }
        for (Object keyword : map.keySet()) {
            if (!SCHEMA_KEYWORDS.contains(String.valueOf(keyword))) {
                throw new IllegalArgumentException("JSON schema keyword '" + keyword + "' at " + where
                        + " is not one the built-in engine takes");
            }
        }
        if (map.get("$ref") instanceof String ref
                && !(ref.startsWith("#/$defs/") && definitions.contains(ref.substring("#/$defs/".length())))) {
            throw new IllegalArgumentException("JSON schema reference " + ref + " at " + where + " leads nowhere");
        }
        if (map.containsKey("additionalProperties") && !(map.get("additionalProperties") instanceof Boolean)) {
            throw new IllegalArgumentException("additionalProperties at " + where + " must be true or false");
        }
        Object type = map.get("type");
        if (type instanceof String kind && !SCHEMA_TYPES.contains(kind)) {
            throw new IllegalArgumentException("Unsupported JSON schema type '" + kind + "' at " + where);
        }
        if (type instanceof List<?> kinds && !SCHEMA_TYPES.containsAll(kinds)) {
            throw new IllegalArgumentException("Unsupported JSON schema types " + kinds + " at " + where);
        }
        if (type == null && !map.containsKey("enum") && !map.containsKey("anyOf") && !map.containsKey("$ref")
                && !map.containsKey("const") && !map.isEmpty()) {
            throw new IllegalArgumentException("A JSON schema without a type at " + where);
        }
        if (map.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<?, ?> property : properties.entrySet()) {
                checkSchema(property.getValue(), where + "." + property.getKey(), definitions);
            }
        }
        if (map.get("items") != null) {
            checkSchema(map.get("items"), where + "[]", definitions);
        }
        if (map.get("anyOf") instanceof List<?> options) {
            for (Object option : options) {
                checkSchema(option, where + "|", definitions);
            }
        }
        if (map.get("$defs") instanceof Map<?, ?> defined) {
            for (Map.Entry<?, ?> definition : defined.entrySet()) {
                checkSchema(definition.getValue(), "#/$defs/" + definition.getKey(), definitions);
            }
        }
    }

    /** Frees the model once the generation under way (if any) has ended; calls after this fail. */
    @Override
    public void close() {
        synchronized (this) {
            if (!closed) {
                closed = true;
                model.close();
            }
        }
    }
}
