package dev.fashion.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fashion.FashionException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8
 * JSON ({@code {"__metadata__": {..}, "name": {"dtype", "shape", "data_offsets": [begin, end]}, ..}},
 * padded with spaces), then the raw little-endian tensor bytes, offsets relative to the end of the header.
 *
 * <p>Files are written as F32 (integer tensors as I64) in the caller's order. Reading accepts F32, F16, BF16
 * and F64 (converted to float) and I64 (kept exact, see {@link NamedTensor#longs()}); a shape {@code []} is
 * a scalar of one value, as PyTorch saves batch norm's {@code num_batches_tracked}, and rejects anything malformed with a one-line {@link FashionException} naming the file and the
 * tensor or field: a model loaded from here is either exactly what was saved or refused.
 */
public final class Safetensors {

    /** The largest header accepted; real headers are a few KB, this only stops absurd allocations. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Supported element types and their sizes in bytes. */
    enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8);

        final int size;

        DType(int size) {
            this.size = size;
        }
    }

    private Safetensors() {
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the tensors as F32, in list order, with optional string metadata, atomically (see
     * {@link AtomicFiles}). A non-finite value fails the write, leaving any existing file untouched, because
     * the reader would refuse such a file anyway.
     */
    public static void write(Path file, List<NamedTensor> tensors, Map<String, String> metadata) {
        AtomicFiles.write(file, encoder(file, tensors, metadata));
    }

    /**
     * The file's bytes as an {@link AtomicFiles.Body}, for callers that wrap the atomic write; header
     * problems fail here, non-finite values while writing.
     */
    public static AtomicFiles.Body encoder(Path file, List<NamedTensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null: " + metadata);
                }
            }
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (NamedTensor t : tensors) {
            if (t.name().isEmpty() || t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + t.name() + "'");
            }
            long end = offset + (t.longs() == null ? 4L : 8L) * t.numel();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, end});
            if (header.put(t.name(), entry) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode safetensors header", e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');

        return out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            out.write(head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (NamedTensor t : tensors) {
                writeFloats(file, t, buf, out);
            }
        };
    }

    private static void writeFloats(Path file, NamedTensor t, ByteBuffer buf, OutputStream out) throws IOException {
        if (t.longs() != null) {
            for (long v : t.longs()) {
                buf.putLong(v);
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
            out.write(buf.array(), 0, buf.position());
            buf.clear();
            return;
        }
        float[] data = t.data();
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!Float.isFinite(v)) {
                throw new FashionException(file + ": " + t.name() + ": non-finite value " + v + " at index " + i
                        + ", refusing to save");
            }
            buf.putFloat(v);
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    // ---------------------------------------------------------------- reading

    /** The tensors of a safetensors file, in header order, and its metadata. */
    public static final class Contents {
        private final Path file;
        private final Map<String, NamedTensor> tensors;
        private final Map<String, String> metadata;

        Contents(Path file, LinkedHashMap<String, NamedTensor> tensors, LinkedHashMap<String, String> metadata) {
            this.file = file;
            this.tensors = Collections.unmodifiableMap(tensors);
            this.metadata = Collections.unmodifiableMap(metadata);
        }

        public Path file() {
            return file;
        }

        /** Tensors in the order the header lists them (unmodifiable, insertion-ordered). */
        public Map<String, NamedTensor> tensors() {
            return tensors;
        }

        /** The {@code __metadata__} strings, in file order; empty if there were none. */
        public Map<String, String> metadata() {
            return metadata;
        }

        /**
         * The named tensor, which must exist and have exactly {@code shape}; otherwise e.g.
         * {@code model.safetensors: missing tensor fc3.bias} or
         * {@code model.safetensors: fc2.weight: expected [128, 256], found [256, 128]}.
         */
        public NamedTensor require(String name, int... shape) {
            NamedTensor t = tensors.get(name);
            if (t == null) {
                throw new FashionException(file + ": missing tensor " + name);
            }
            if (!Arrays.equals(shape, t.shape())) {
                throw new FashionException(file + ": " + shapeMismatch(name, shape, t.shape()));
            }
            return t;
        }

        /**
         * Checks the file holds exactly the expected tensors with the expected shapes (missing ones reported
         * first, in the expected order), returning them in that order.
         */
        public List<NamedTensor> requireExactly(Map<String, int[]> expected) {
            List<NamedTensor> out = new ArrayList<>();
            for (Map.Entry<String, int[]> e : expected.entrySet()) {
                out.add(require(e.getKey(), e.getValue()));
            }
            for (String name : tensors.keySet()) {
                if (!expected.containsKey(name)) {
                    throw new FashionException(file + ": unexpected tensor " + name);
                }
            }
            return out;
        }
    }

    /** The message for a tensor of the wrong shape: {@code fc2.weight: expected [128, 256], found [256, 128]}. */
    public static String shapeMismatch(String name, int[] expected, int[] found) {
        return name + ": expected " + Arrays.toString(expected) + ", found " + Arrays.toString(found);
    }

    /** Reads and fully validates a safetensors file. */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        } catch (NoSuchFileException e) {
            throw new FashionException(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new FashionException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new FashionException(file + ": cannot read: " + (e.getMessage() == null ? e : e.getMessage()), e);
        }
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    private static Contents read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new FashionException(file + ": truncated: " + size + " bytes, a safetensors file needs at least 8");
        }
        long n = readFully(file, ch, ByteBuffer.allocate(8), 0).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new FashionException(file + ": header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (n > size - 8) {
            throw new FashionException(file + ": truncated: header length " + n + " exceeds the " + (size - 8)
                    + " bytes after the length field");
        }
        ByteBuffer headBytes = readFully(file, ch, ByteBuffer.allocate((int) n), 8);
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headBytes);
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new FashionException(file + ": header is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FashionException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new FashionException(file + ": header is not a JSON object");
        }

        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (f.getKey().equals(METADATA_KEY)) {
                readMetadata(file, f.getValue(), metadata);
            } else {
                entries.add(parseEntry(file, f.getKey(), f.getValue()));
            }
        }

        long dataStart = 8 + n;
        checkLayout(file, entries, size - dataStart);

        LinkedHashMap<String, NamedTensor> tensors = new LinkedHashMap<>();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            tensors.put(e.name, e.dtype == DType.I64 ? NamedTensor.ofLongs(e.name, e.shape, readLongs(file, ch, e, dataStart, buf))
                    : new NamedTensor(e.name, e.shape, readData(file, ch, e, dataStart, buf)));
        }
        return new Contents(file, tensors, metadata);
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new FashionException(file + ": " + METADATA_KEY + ": expected an object of strings");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw new FashionException(file + ": " + METADATA_KEY + "." + m.getKey() + ": expected a string, found "
                        + m.getValue().getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String where = file + ": " + name;
        if (!node.isObject()) {
            throw new FashionException(where + ": expected an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || offsetsNode == null) {
            String missing = dtypeNode == null ? "dtype" : shapeNode == null ? "shape" : "data_offsets";
            throw new FashionException(where + ": missing field " + missing);
        }
        if (!dtypeNode.isTextual()) {
            throw new FashionException(where + ": dtype: expected a string");
        }
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeNode.asText());
        } catch (IllegalArgumentException e) {
            throw new FashionException(where + ": unsupported dtype " + dtypeNode.asText()
                    + ", expected F32, F16, BF16, F64 or I64");
        }
        if (!shapeNode.isArray()) {
            throw new FashionException(where + ": shape: expected an array of non-negative integers");
        }
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
                throw new FashionException(where + ": shape: expected an array of non-negative integers, found " + shapeNode);
            }
            shape[i] = d.asInt();
            numel = Math.min(numel * shape[i], Long.MAX_VALUE / 16); // clamped: stays an impossible size, no overflow
        }
        if (!offsetsNode.isArray() || offsetsNode.size() != 2 || !isOffset(offsetsNode.get(0))
                || !isOffset(offsetsNode.get(1)) || offsetsNode.get(0).asLong() > offsetsNode.get(1).asLong()) {
            throw new FashionException(where + ": data_offsets: expected [begin, end] with 0 <= begin <= end, found "
                    + offsetsNode);
        }
        long begin = offsetsNode.get(0).asLong();
        long end = offsetsNode.get(1).asLong();
        long bytes = numel * dtype.size;
        if (bytes != end - begin) {
            throw new FashionException(where + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + bytes + " bytes, data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new FashionException(where + ": " + numel + " elements, more than a Java array can hold");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static boolean isOffset(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    /** The spans must tile the data region exactly: in bounds, no overlap, no holes, nothing after the last. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        for (Entry e : entries) {
            if (e.end > dataSize) {
                throw new FashionException(file + ": " + e.name + ": data_offsets [" + e.begin + ", " + e.end
                        + "] run past the end of the " + dataSize + "-byte data region (truncated file?)");
            }
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin < pos) {
                throw new FashionException(file + ": tensors " + prev.name + " and " + e.name + " overlap (data_offsets ["
                        + prev.begin + ", " + prev.end + "] and [" + e.begin + ", " + e.end + "])");
            }
            if (e.begin > pos) {
                throw new FashionException(file + ": " + (e.begin - pos) + " unused bytes at data offset " + pos
                        + " before tensor " + e.name);
            }
            pos = e.end;
            prev = e;
        }
        if (pos != dataSize) {
            throw new FashionException(file + ": " + (dataSize - pos) + " trailing bytes after the tensor data (data region is "
                    + dataSize + " bytes, tensors end at " + pos + ")");
        }
    }

    private static float[] readData(Path file, FileChannel ch, Entry e, long dataStart, ByteBuffer buf)
            throws IOException {
        int numel = (int) ((e.end - e.begin) / e.dtype.size);
        float[] out;
        try {
            out = new float[numel];
        } catch (OutOfMemoryError oom) {
            throw new FashionException(file + ": " + e.name + ": " + numel + " values do not fit in the Java heap (raise -Xmx)");
        }
        int chunkElems = CHUNK / e.dtype.size;
        long pos = dataStart + e.begin;
        for (int i = 0; i < numel; ) {
            int k = Math.min(chunkElems, numel - i);
            buf.clear().limit(k * e.dtype.size);
            readFully(file, ch, buf, pos);
            pos += (long) k * e.dtype.size;
            for (int j = 0; j < k; j++, i++) {
                float v = switch (e.dtype) {
                    case F32 -> buf.getFloat();
                    case F16 -> halfToFloat(buf.getShort());
                    case BF16 -> Float.intBitsToFloat(buf.getShort() << 16);
                    case I64 -> throw new IllegalStateException("I64 is read by readLongs");
                    case F64 -> {
                        double d = buf.getDouble();
                        if (Double.isFinite(d) && !Float.isFinite((float) d)) {
                            throw new FashionException(file + ": " + e.name + ": value " + d + " at index " + i
                                    + " is out of F32 range");
                        }
                        yield (float) d;
                    }
                };
                if (!Float.isFinite(v)) {
                    throw new FashionException(file + ": " + e.name + ": non-finite value " + v + " at index " + i);
                }
                out[i] = v;
            }
        }
        return out;
    }

    private static long[] readLongs(Path file, FileChannel ch, Entry e, long dataStart, ByteBuffer buf) throws IOException {
        int numel = (int) ((e.end - e.begin) / 8);
        long[] out;
        try {
            out = new long[numel];
        } catch (OutOfMemoryError oom) {
            throw new FashionException(file + ": " + e.name + ": " + numel + " values do not fit in the Java heap (raise -Xmx)");
        }
        long pos = dataStart + e.begin;
        for (int i = 0; i < numel; ) {
            int k = Math.min(CHUNK / 8, numel - i);
            buf.clear().limit(k * 8);
            readFully(file, ch, buf, pos);
            pos += (long) k * 8;
            for (int j = 0; j < k; j++, i++) out[i] = buf.getLong();
        }
        return out;
    }

    /** IEEE 754 half precision to float (JDK 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): exact in float
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static ByteBuffer readFully(Path file, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new FashionException(file + ": truncated while reading (file shrank?)");
            }
            pos += r;
        }
        return buf.flip();
    }
}
