package dev.fashion.io;

import dev.fashion.FashionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path dir;

    private static void assertMessage(String expected, Executable r) {
        FashionException e = assertThrows(FashionException.class, r);
        assertEquals(expected, e.getMessage());
    }

    private static float[] range(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.25f - 1.5f;
        }
        return f;
    }

    /** A file laid out by hand: length, header text as given (no padding), data. */
    private Path raw(String name, String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Test
    void roundTripKeepsOrderShapesValuesAndMetadata() {
        Path f = dir.resolve("model.safetensors");
        List<NamedTensor> ts = List.of(
                new NamedTensor("fc2.weight", new int[] {3, 4}, range(12)),
                new NamedTensor("fc1.bias", new int[] {5}, range(5)),
                new NamedTensor("scalar", new int[] {}, new float[] {Float.MIN_VALUE}),
                new NamedTensor("empty", new int[] {0, 7}, new float[0]),
                new NamedTensor("a.weight", new int[] {2, 1, 2}, new float[] {-0f, Float.MAX_VALUE, -3e-38f, 1}));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("config", "{\"hidden\": [256, 128], \"note\": \"ünïcode\"}");

        Safetensors.write(f, ts, meta);
        Safetensors.Contents c = Safetensors.read(f);

        assertEquals(List.of("fc2.weight", "fc1.bias", "scalar", "empty", "a.weight"), List.copyOf(c.tensors().keySet()));
        assertEquals(ts, List.copyOf(c.tensors().values()));
        assertEquals(meta, c.metadata());
        assertEquals(List.of("format", "config"), List.copyOf(c.metadata().keySet()));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(c.tensors().get("a.weight").data()[0]));
    }

    @Test
    void headerIsSpacePaddedJsonAndDataLittleEndian() throws Exception {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, List.of(new NamedTensor("w", new int[] {2}, new float[] {1f, -2f})), Map.of());
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.stripTrailing());
        assertArrayEquals(f32(1f, -2f), java.util.Arrays.copyOfRange(bytes, 8 + (int) n, bytes.length));
    }

    @Test
    void readsPythonStyleFileWithOtherFloatTypes() throws Exception {
        // As seed_pytorch.py writes it: compact JSON, keys in order, space padding, no metadata.
        ByteBuffer data = ByteBuffer.allocate(4 + 2 * 2 + 2 * 2 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(0.5f);
        data.putShort((short) 0x3c00).putShort((short) 0xc000);   // F16 1.0, -2.0
        data.putShort((short) 0x3f80).putShort((short) 0x4040);   // BF16 1.0, 3.0
        data.putDouble(0.1);
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[8,12]},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[12,20]}}";
        header += " ".repeat(-header.length() & 7);
        Safetensors.Contents c = Safetensors.read(raw("py.safetensors", header, data.array()));
        assertArrayEquals(new float[] {0.5f}, c.tensors().get("a").data());
        assertArrayEquals(new float[] {1f, -2f}, c.tensors().get("h").data());
        assertArrayEquals(new float[] {1f, 3f}, c.tensors().get("b").data());
        assertArrayEquals(new float[] {0.1f}, c.tensors().get("d").data());
        assertTrue(c.metadata().isEmpty());
    }

    @Test
    void halfPrecisionConversion() {
        assertEquals(65504f, Safetensors.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Safetensors.halfToFloat((short) 0x0001));
        assertEquals(-0x1p-14f, Safetensors.halfToFloat((short) 0x8400));
        assertEquals(Float.POSITIVE_INFINITY, Safetensors.halfToFloat((short) 0x7c00));
        assertTrue(Float.isNaN(Safetensors.halfToFloat((short) 0x7e00)));
    }

    @Test
    void rejectsTruncatedFiles() throws Exception {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[] {1, 2, 3});
        assertMessage(tiny + ": truncated: 3 bytes, a safetensors file needs at least 8", () -> Safetensors.read(tiny));

        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, List.of(new NamedTensor("w", new int[] {4}, range(4))), Map.of());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 3));
        assertMessage(f + ": w: data_offsets [0, 16] run past the end of the 13-byte data region (truncated file?)",
                () -> Safetensors.read(f));
        Files.write(f, java.util.Arrays.copyOf(all, 20));
        assertMessage(f + ": truncated: header length 56 exceeds the 12 bytes after the length field",
                () -> Safetensors.read(f));
    }

    @Test
    void rejectsHeaderLengthOverLimit() throws Exception {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200L << 20).array();
        Path f = Files.write(dir.resolve("big"), b);
        assertMessage(f + ": header length 209715200 exceeds the limit of 104857600 bytes (not a safetensors file?)",
                () -> Safetensors.read(f));
        // An unsigned length with the top bit set must not read as negative.
        Path g = Files.write(dir.resolve("neg"), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array());
        assertMessage(g + ": header length 18446744073709551608 exceeds the limit of 104857600 bytes (not a safetensors file?)",
                () -> Safetensors.read(g));
    }

    @Test
    void rejectsBadJson() throws Exception {
        Path a = raw("a", "{\"w\": {\"dtype\": \"F32\"", new byte[0]);
        FashionException e = assertThrows(FashionException.class, () -> Safetensors.read(a));
        assertTrue(e.getMessage().startsWith(a + ": header is not valid JSON: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());

        Path b = raw("b", "[1, 2]  ", new byte[0]);
        assertMessage(b + ": header is not a JSON object", () -> Safetensors.read(b));
        Path c = raw("c", "{} {}", new byte[0]);
        assertTrue(assertThrows(FashionException.class, () -> Safetensors.read(c)).getMessage()
                .startsWith(c + ": header is not valid JSON"));
        Path d = raw("d", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
        assertTrue(assertThrows(FashionException.class, () -> Safetensors.read(d)).getMessage()
                .startsWith(d + ": header is not valid JSON: Duplicate field 'w'"));
        Path u = Files.write(dir.resolve("u"), new byte[] {2, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc3, '{'});
        assertMessage(u + ": header is not valid UTF-8", () -> Safetensors.read(u));
        Path m = raw("m", "{\"__metadata__\":{\"epochs\":5}}", new byte[0]);
        assertMessage(m + ": __metadata__.epochs: expected a string, found number", () -> Safetensors.read(m));
    }

    /** Batch norm's num_batches_tracked as PyTorch saves it: I64, shape [], one value. */
    @Test
    void i64ScalarsRoundTripExactly() throws Exception {
        Path f = dir.resolve("bn.safetensors");
        long big = (1L << 53) + 1; // not representable as a float or double: must survive as a long
        Safetensors.write(f, List.of(new NamedTensor("bn1.running_mean", new int[] {3}, range(3)),
                NamedTensor.ofLongs("bn1.num_batches_tracked", new int[0], new long[] {big})), Map.of());
        Safetensors.Contents c = Safetensors.read(f);
        NamedTensor t = c.tensors().get("bn1.num_batches_tracked");
        assertEquals("I64", t.dtype());
        assertArrayEquals(new int[0], t.shape());
        assertArrayEquals(new long[] {big}, t.longs());
        assertEquals("F32", c.tensors().get("bn1.running_mean").dtype());
        assertArrayEquals(range(3), c.tensors().get("bn1.running_mean").data());
        String header = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"bn1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[12,20]}"),
                header);

        // Written by hand as PyTorch's writer lays it out: a rank-0 I64 among F32 tensors.
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).putLong(-7);
        Path raw = raw("pt", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]}}", b.array());
        Safetensors.Contents r = Safetensors.read(raw);
        assertArrayEquals(new float[] {2.5f}, r.tensors().get("w").data());
        assertArrayEquals(new long[] {-7}, r.tensors().get("n").longs());
        assertMessage(dir.resolve("pt2") + ": n: shape [] of I64 needs 8 bytes, data_offsets [4, 8] span 4",
                () -> Safetensors.read(raw("pt2", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,8]}}", new byte[8])));
    }

    @Test
    void rejectsMalformedEntries() throws Exception {
        assertMessage(dir.resolve("e1") + ": w: missing field shape",
                () -> Safetensors.read(raw("e1", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4])));
        assertMessage(dir.resolve("e2") + ": w: unsupported dtype I32, expected F32, F16, BF16, F64 or I64",
                () -> Safetensors.read(raw("e2", "{\"w\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])));
        assertMessage(dir.resolve("e3") + ": w: shape [2, 3] of F32 needs 24 bytes, data_offsets [0, 20] span 20",
                () -> Safetensors.read(raw("e3", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", new byte[20])));
        assertMessage(dir.resolve("e4") + ": w: shape: expected an array of non-negative integers, found [2,-3]",
                () -> Safetensors.read(raw("e4", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,0]}}", new byte[0])));
        assertMessage(dir.resolve("e5") + ": w: data_offsets: expected [begin, end] with 0 <= begin <= end, found [8,4]",
                () -> Safetensors.read(raw("e5", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[8])));
        assertMessage(dir.resolve("e6") + ": w: expected an object with dtype, shape and data_offsets",
                () -> Safetensors.read(raw("e6", "{\"w\":7}", new byte[0])));
        // A huge shape must not overflow into a plausible size.
        assertThrows(FashionException.class, () -> Safetensors.read(raw("e7",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,4],\"data_offsets\":[0,0]}}", new byte[0])));
    }

    @Test
    void rejectsBadLayouts() throws Exception {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertMessage(dir.resolve("overlap") + ": tensors a and b overlap (data_offsets [0, 8] and [4, 12])",
                () -> Safetensors.read(raw("overlap", "{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12])));
        assertMessage(dir.resolve("oob") + ": b: data_offsets [8, 16] run past the end of the 12-byte data region (truncated file?)",
                () -> Safetensors.read(raw("oob", "{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", new byte[12])));
        assertMessage(dir.resolve("hole") + ": 4 unused bytes at data offset 8 before tensor b",
                () -> Safetensors.read(raw("hole", "{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", new byte[16])));
        assertMessage(dir.resolve("trail") + ": 3 trailing bytes after the tensor data (data region is 11 bytes, tensors end at 8)",
                () -> Safetensors.read(raw("trail", "{" + a + "}", new byte[11])));
    }

    @Test
    void rejectsNonFiniteWeights() throws Exception {
        String h = "{\"ok\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}}";
        assertMessage(dir.resolve("nan") + ": fc1.weight: non-finite value NaN at index 2",
                () -> Safetensors.read(raw("nan", h, f32(0, 1, 2, Float.NaN))));
        assertMessage(dir.resolve("inf") + ": fc1.weight: non-finite value -Infinity at index 0",
                () -> Safetensors.read(raw("inf", h, f32(0, Float.NEGATIVE_INFINITY, 2, 3))));
        byte[] big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e300).array();
        assertMessage(dir.resolve("f64") + ": d: value 1.0E300 at index 0 is out of F32 range",
                () -> Safetensors.read(raw("f64", "{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", big)));
    }

    @Test
    void checksExpectedTensorsAndShapes() {
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, List.of(
                new NamedTensor("fc2.weight", new int[] {256, 128}, new float[256 * 128]),
                new NamedTensor("fc2.bias", new int[] {128}, new float[128])), Map.of());
        Safetensors.Contents c = Safetensors.read(f);

        assertEquals("fc2.weight: expected [128, 256], found [256, 128]",
                Safetensors.shapeMismatch("fc2.weight", new int[] {128, 256}, new int[] {256, 128}));
        assertMessage(f + ": fc2.weight: expected [128, 256], found [256, 128]", () -> c.require("fc2.weight", 128, 256));
        assertMessage(f + ": missing tensor fc3.bias", () -> c.require("fc3.bias", 10));
        assertEquals(128, c.require("fc2.bias", 128).numel());

        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("fc2.weight", new int[] {256, 128});
        assertMessage(f + ": unexpected tensor fc2.bias", () -> c.requireExactly(expected));
        expected.put("fc2.bias", new int[] {128});
        assertEquals(List.of("fc2.weight", "fc2.bias"), c.requireExactly(expected).stream().map(NamedTensor::name).toList());
    }

    @Test
    void failedWriteLeavesOldFileAndNoTemporaryFile() throws Exception {
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, List.of(new NamedTensor("w", new int[] {2}, new float[] {1, 2})), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(f);

        // The NaN sits in the second tensor, so the failure comes mid-write, after bytes reached the temp file.
        float[] bad = range(100_000);
        bad[99_999] = Float.NaN;
        assertMessage(f + ": b: non-finite value NaN at index 99999, refusing to save", () -> Safetensors.write(f,
                List.of(new NamedTensor("a", new int[] {100_000}, range(100_000)),
                        new NamedTensor("b", new int[] {100_000}, bad)), Map.of()));

        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
        assertEquals(Map.of("v", "1"), Safetensors.read(f).metadata());
    }

    @Test
    void reportsMissingFile() {
        Path f = dir.resolve("none.safetensors");
        assertMessage(f + ": file not found", () -> Safetensors.read(f));
    }
}
