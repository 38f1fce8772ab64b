package dev.fashion.data;

import dev.fashion.FashionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.fashion.data.IdxFiles.concat;
import static dev.fashion.data.IdxFiles.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    @TempDir
    Path dir;

    private final IdxReader reader = new IdxReader();

    private static void assertMessage(String expected, Runnable r) {
        FashionException e = assertThrows(FashionException.class, r::run);
        assertEquals(expected, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsValidFileRawAndGzip(boolean gzip) throws Exception {
        byte[] pixels = IdxFiles.pixels(3, 4, 5);
        byte[] bytes = concat(header(3, 4, 5), pixels);
        // The name deliberately says nothing: gzip is found by its magic bytes.
        Path f = gzip ? IdxFiles.gz(dir.resolve("images"), bytes) : IdxFiles.raw(dir.resolve("images"), bytes);

        IdxReader.IdxFile idx = reader.read(f);

        assertArrayEquals(new int[] {3, 4, 5}, idx.dims());
        assertArrayEquals(pixels, idx.data());
        assertEquals(60, idx.elements());
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        assertEquals(md5, idx.md5(), "MD5 is over the decompressed bytes");
        assertEquals(md5, reader.md5(f));
    }

    @Test
    void readsOneDimensionalLabels() throws Exception {
        Path f = IdxFiles.raw(dir.resolve("labels"), concat(header(4), new byte[] {9, 0, 3, 2}));
        IdxReader.IdxFile idx = reader.read(f);
        assertArrayEquals(new int[] {4}, idx.dims());
        assertArrayEquals(new byte[] {9, 0, 3, 2}, idx.data());
    }

    @Test
    void rejectsWrongMagic() throws Exception {
        Path f = IdxFiles.raw(dir.resolve("x.idx"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 1, 0});
        assertMessage(f + ": not an IDX file: magic bytes 50 4b 03 04, expected 00 00 08 <ndim>",
                () -> reader.read(f));
    }

    @Test
    void rejectsOtherDataTypes() throws Exception {
        Path f = IdxFiles.raw(dir.resolve("x.idx"), new byte[] {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertMessage(f + ": unsupported IDX data type 0x0d, expected 0x08 (unsigned byte)", () -> reader.read(f));
    }

    @Test
    void rejectsTruncatedHeader() throws Exception {
        Path f = IdxFiles.raw(dir.resolve("x.idx"), new byte[] {0, 0, 8, 3, 0, 0});
        assertMessage(f + ": truncated: IDX header declares 3 dimensions (12 bytes), file has 2", () -> reader.read(f));
        Path empty = IdxFiles.raw(dir.resolve("empty"), new byte[0]);
        assertMessage(empty + ": truncated: IDX header needs at least 4 bytes, file has 0", () -> reader.read(empty));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsTruncatedData(boolean gzip) throws Exception {
        byte[] bytes = concat(header(60000, 28, 28), new byte[1234]);
        Path f = gzip ? IdxFiles.gz(dir.resolve("t.gz"), bytes) : IdxFiles.raw(dir.resolve("t"), bytes);
        assertMessage(f + ": truncated: header declares 60000x28x28 = 47040000 bytes of pixels, file has 1234",
                () -> reader.read(f));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rejectsTrailingData(boolean gzip) throws Exception {
        byte[] bytes = concat(header(3), new byte[] {1, 2, 3}, new byte[] {0, 0});
        Path f = gzip ? IdxFiles.gz(dir.resolve("t.gz"), bytes) : IdxFiles.raw(dir.resolve("t"), bytes);
        assertMessage(f + ": 2 unexpected trailing bytes after the 3 = 3 bytes of labels the header declares",
                () -> reader.read(f));
    }

    @Test
    void rejectsHugeDeclaredDimensionsWithoutAllocating() throws Exception {
        // 2^31 images of 28x28 would need 1.6 TB; the header alone must be enough to refuse.
        Path f = IdxFiles.raw(dir.resolve("huge"), header(1L << 31, 28, 28));
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> assertMessage(
                f + ": header declares 2147483648x28x28 elements, more than the limit of 100000000",
                () -> reader.read(f)));
        // Products that overflow a long are caught too.
        Path g = IdxFiles.raw(dir.resolve("overflow"), header(0xffffffffL, 0xffffffffL, 0xffffffffL));
        assertThrows(FashionException.class, () -> reader.read(g));
    }

    @Test
    void stopsGzipBombInTrailingData() throws Exception {
        // A valid 100-byte file followed by 64 MB of zeros that compress to a few tens of KB.
        Path f = IdxFiles.gzZeros(dir.resolve("bomb.gz"), header(100), 100 + (64L << 20));
        assertTrue(Files.size(f) < 200_000, "bomb should be small on disk");
        IdxReader small = new IdxReader(1000, 4096);
        assertMessage(f + ": decompressed data exceeds the limit of 4096 bytes (gzip bomb or not an IDX file)",
                () -> small.read(f));
    }

    @Test
    void refusesDeclaredSizeAboveDecompressionLimit() throws Exception {
        Path f = IdxFiles.gzZeros(dir.resolve("big.gz"), header(1000, 1000), 1_000_000);
        IdxReader small = new IdxReader(10_000_000, 65_536);
        assertMessage(f + ": header declares 1000x1000 = 1000000 bytes, more than the decompression limit of 65536 bytes",
                () -> small.read(f));
    }

    @Test
    void reportsCorruptGzip() throws Exception {
        byte[] good = Files.readAllBytes(IdxFiles.gz(dir.resolve("ok.gz"), concat(header(3), new byte[] {1, 2, 3})));
        byte[] bad = java.util.Arrays.copyOf(good, good.length - 12); // cut into the deflate stream and trailer
        Path f = IdxFiles.raw(dir.resolve("bad.gz"), bad);
        FashionException e = assertThrows(FashionException.class, () -> reader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    }

    @Test
    void reportsMissingFile() {
        Path f = dir.resolve("nope.gz");
        assertMessage(f + ": file not found", () -> reader.read(f));
    }

    @Test
    void readsZeroByteGzipAsTruncated() throws IOException {
        Path f = IdxFiles.gz(dir.resolve("z.gz"), new byte[0]);
        assertMessage(f + ": truncated: IDX header needs at least 4 bytes, file has 0", () -> reader.read(f));
    }
}
