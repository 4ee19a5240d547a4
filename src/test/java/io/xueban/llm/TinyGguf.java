package io.xueban.llm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a tiny llama-architecture model in GGUF v3 that llama.cpp loads: 2 layers, embedding 64,
 * 4 heads, feed-forward 128, context 256, random F32 weights, and a SentencePiece vocabulary of
 * the 256 byte tokens plus printable ASCII (enough to spell any text, so encoding never fails),
 * with a ChatML chat template. It answers gibberish, but through the real loading, tokenising,
 * sampling and grammar code of the engine. About half a megabyte; deterministic for a seed.
 */
final class TinyGguf {

    static final int LAYERS = 2;
    static final int EMBEDDING = 64;
    static final int HEADS = 4;
    static final int FEED_FORWARD = 128;
    static final int CONTEXT = 256;
    static final int ALIGNMENT = 32;

    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;
    private static final int GGML_F32 = 0;
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private static final String CHAT_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private TinyGguf() {
    }

    record Tensor(String name, long[] shape, float[] data) {
    }

    /** Writes the model to {@code file} and returns it. */
    static Path write(Path file, long seed) throws IOException {
        List<String> tokens = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        tokens.add("<unk>");
        scores.add(0f);
        types.add(UNKNOWN);
        tokens.add("<s>");
        scores.add(0f);
        types.add(CONTROL);
        tokens.add("</s>");
        scores.add(0f);
        types.add(CONTROL);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(BYTE);
        }
        tokens.add("\u2581");
        scores.add(-1f);
        types.add(NORMAL);
        for (char c = 0x21; c < 0x7F; c++) {
            tokens.add(String.valueOf(c));
            scores.add(-2f - (c - 0x21) * 0.01f);
            types.add(NORMAL);
        }
        int vocabulary = tokens.size();

        Bytes meta = new Bytes();
        List<Runnable> keys = new ArrayList<>();
        keys.add(() -> meta.key("general.architecture", STRING).string("llama"));
        keys.add(() -> meta.key("general.name", STRING).string("tiny-random-llama"));
        keys.add(() -> meta.key("general.alignment", UINT32).u32(ALIGNMENT));
        keys.add(() -> meta.key("general.file_type", UINT32).u32(0));
        keys.add(() -> meta.key("llama.context_length", UINT32).u32(CONTEXT));
        keys.add(() -> meta.key("llama.embedding_length", UINT32).u32(EMBEDDING));
        keys.add(() -> meta.key("llama.block_count", UINT32).u32(LAYERS));
        keys.add(() -> meta.key("llama.feed_forward_length", UINT32).u32(FEED_FORWARD));
        keys.add(() -> meta.key("llama.attention.head_count", UINT32).u32(HEADS));
        keys.add(() -> meta.key("llama.attention.head_count_kv", UINT32).u32(HEADS));
        keys.add(() -> meta.key("llama.rope.dimension_count", UINT32).u32(EMBEDDING / HEADS));
        keys.add(() -> meta.key("llama.rope.freq_base", FLOAT32).f32(10000f));
        keys.add(() -> meta.key("llama.attention.layer_norm_rms_epsilon", FLOAT32).f32(1e-5f));
        keys.add(() -> meta.key("llama.vocab_size", UINT32).u32(vocabulary));
        keys.add(() -> meta.key("tokenizer.ggml.model", STRING).string("llama"));
        keys.add(() -> {
            meta.key("tokenizer.ggml.tokens", ARRAY).u32(STRING).u64(tokens.size());
            tokens.forEach(meta::string);
        });
        keys.add(() -> {
            meta.key("tokenizer.ggml.scores", ARRAY).u32(FLOAT32).u64(scores.size());
            scores.forEach(meta::f32);
        });
        keys.add(() -> {
            meta.key("tokenizer.ggml.token_type", ARRAY).u32(INT32).u64(types.size());
            types.forEach(meta::u32);
        });
        keys.add(() -> meta.key("tokenizer.ggml.unknown_token_id", UINT32).u32(0));
        keys.add(() -> meta.key("tokenizer.ggml.bos_token_id", UINT32).u32(1));
        keys.add(() -> meta.key("tokenizer.ggml.eos_token_id", UINT32).u32(2));
        keys.add(() -> meta.key("tokenizer.ggml.add_bos_token", BOOL).bool(true));
        keys.add(() -> meta.key("tokenizer.ggml.add_eos_token", BOOL).bool(false));
        keys.add(() -> meta.key("tokenizer.chat_template", STRING).string(CHAT_TEMPLATE));

        Random random = new Random(seed);
        int headDim = EMBEDDING / HEADS;
        float inScale = (float) (1 / Math.sqrt(EMBEDDING));
        float ffScale = (float) (1 / Math.sqrt(FEED_FORWARD));
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(new Tensor("token_embd.weight", new long[] {EMBEDDING, vocabulary}, random(random, EMBEDDING * vocabulary, 0.5f)));
        for (int i = 0; i < LAYERS; i++) {
            String b = "blk." + i + ".";
            tensors.add(new Tensor(b + "attn_norm.weight", new long[] {EMBEDDING}, ones(EMBEDDING)));
            tensors.add(new Tensor(b + "attn_q.weight", new long[] {EMBEDDING, HEADS * headDim}, random(random, EMBEDDING * HEADS * headDim, inScale)));
            tensors.add(new Tensor(b + "attn_k.weight", new long[] {EMBEDDING, HEADS * headDim}, random(random, EMBEDDING * HEADS * headDim, inScale)));
            tensors.add(new Tensor(b + "attn_v.weight", new long[] {EMBEDDING, HEADS * headDim}, random(random, EMBEDDING * HEADS * headDim, inScale)));
            tensors.add(new Tensor(b + "attn_output.weight", new long[] {HEADS * headDim, EMBEDDING}, random(random, HEADS * headDim * EMBEDDING, inScale)));
            tensors.add(new Tensor(b + "ffn_norm.weight", new long[] {EMBEDDING}, ones(EMBEDDING)));
            tensors.add(new Tensor(b + "ffn_gate.weight", new long[] {EMBEDDING, FEED_FORWARD}, random(random, EMBEDDING * FEED_FORWARD, inScale)));
            tensors.add(new Tensor(b + "ffn_up.weight", new long[] {EMBEDDING, FEED_FORWARD}, random(random, EMBEDDING * FEED_FORWARD, inScale)));
            tensors.add(new Tensor(b + "ffn_down.weight", new long[] {FEED_FORWARD, EMBEDDING}, random(random, FEED_FORWARD * EMBEDDING, ffScale)));
        }
        tensors.add(new Tensor("output_norm.weight", new long[] {EMBEDDING}, ones(EMBEDDING)));
        tensors.add(new Tensor("output.weight", new long[] {EMBEDDING, vocabulary}, random(random, EMBEDDING * vocabulary, inScale)));

        Bytes header = new Bytes();
        header.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors.size()).u64(keys.size());
        keys.forEach(Runnable::run);
        Bytes info = new Bytes();
        long offset = 0;
        for (Tensor tensor : tensors) {
            info.string(tensor.name()).u32(tensor.shape().length);
            for (long dimension : tensor.shape()) {
                info.u64(dimension);
            }
            info.u32(GGML_F32).u64(offset);
            offset += pad(tensor.data().length * 4L);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] head = concat(header.bytes(), meta.bytes(), info.bytes());
            out.write(head);
            out.write(new byte[(int) (pad(head.length) - head.length)]);
            for (Tensor tensor : tensors) {
                ByteBuffer data = ByteBuffer.allocate(tensor.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(tensor.data());
                out.write(data.array());
                out.write(new byte[(int) (pad(data.capacity()) - data.capacity())]);
            }
        }
        return file;
    }

    private static long pad(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static float[] random(Random random, int n, float scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (random.nextFloat() * 2 - 1) * scale;
        }
        return values;
    }

    private static float[] ones(int n) {
        float[] values = new float[n];
        java.util.Arrays.fill(values, 1f);
        return values;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Little-endian GGUF encoding. */
    private static final class Bytes {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes key(String name, int type) {
            return string(name).u32(type);
        }

        Bytes string(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            return u64(bytes.length).raw(bytes);
        }

        Bytes u32(int value) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }

        Bytes u64(long value) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }

        Bytes f32(float value) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
        }

        Bytes bool(boolean value) {
            out.write(value ? 1 : 0);
            return this;
        }

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
