package dev.fashion.data;

import dev.fashion.FashionException;
import dev.fashion.data.FashionMnist.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.fashion.data.IdxFiles.concat;
import static dev.fashion.data.IdxFiles.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FashionMnistTest {

    /** Maven runs tests in the module directory, which holds the bundled data. */
    private static final Path BUNDLED = Path.of("data", "fashion-mnist");

    @TempDir
    Path dir;

    private static void assertMessage(String expected, Runnable r) {
        FashionException e = assertThrows(FashionException.class, r::run);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void loadsBundledTestSplitAndVerifiesIt() {
        assertEquals(BUNDLED, FashionMnist.defaultDataDir());

        ImageDataset test = FashionMnist.load(Split.TEST);

        assertEquals(10_000, test.count());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        assertEquals(10, test.numClasses());
        assertEquals(9, test.label(0));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(test.label(0)));
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, test.classCounts());
        assertEquals("fashion-mnist/test", test.name());

        Path images = FashionMnist.imagesFile(BUNDLED, Split.TEST);
        Checksums.Result r = Checksums.cached(images).orElseThrow();
        assertEquals(Checksums.Status.VERIFIED, r.status());
        assertEquals("8181f5470baa50b63fa0f6fddb340f0a", r.actual());
        assertEquals(Checksums.Status.VERIFIED,
                Checksums.cached(FashionMnist.labelsFile(BUNDLED, Split.TEST)).orElseThrow().status());
    }

    @Test
    void loadsRawAndGzipFilesFromUserDirectory() throws Exception {
        IdxFiles.dataset(dir, "train", 12, 3, 2, IdxFiles.labels(12));
        IdxFiles.raw(dir.resolve("t10k-images-idx3-ubyte"), concat(header(2, 3, 2), IdxFiles.pixels(2, 3, 2)));
        IdxFiles.raw(dir.resolve("t10k-labels-idx1-ubyte"), concat(header(2), new byte[] {4, 7}));

        ImageDataset train = FashionMnist.load(dir, Split.TRAIN);
        ImageDataset test = FashionMnist.load(dir, Split.TEST);

        assertEquals(12, train.count());
        assertEquals(6, train.imageSize());
        assertEquals(5, train.label(5));
        assertEquals(7 * 11 % 256, train.pixel(11, 0));
        assertEquals(2, test.count());
        assertEquals(7, test.label(1));
    }

    @Test
    void mismatchIsStatusForUserDirButErrorWhenVerificationRequired() throws Exception {
        IdxFiles.dataset(dir, "t10k", 4, 2, 2, IdxFiles.labels(4));
        Path images = dir.resolve("t10k-images-idx3-ubyte.gz");

        FashionMnist.load(dir, Split.TEST);
        Checksums.Result r = Checksums.cached(images).orElseThrow();
        assertEquals(Checksums.Status.MISMATCH, r.status());
        assertEquals("8181f5470baa50b63fa0f6fddb340f0a", r.expected());

        assertMessage(images + ": corrupt or modified: expected md5 8181f5470baa50b63fa0f6fddb340f0a, got " + r.actual(),
                () -> FashionMnist.load(dir, Split.TEST, true));
    }

    @Test
    void checksumsListsPresentFiles() throws Exception {
        IdxFiles.dataset(dir, "t10k", 4, 2, 2, IdxFiles.labels(4));
        List<Checksums.Result> rs = FashionMnist.checksums(dir);
        assertEquals(2, rs.size());
        assertEquals(Checksums.Status.MISMATCH, rs.get(0).status());
        assertTrue(rs.get(0).describe().startsWith("t10k-images-idx3-ubyte.gz: MISMATCH (expected md5 8181f5470baa50b63fa0f6fddb340f0a, got "));
        Path other = IdxFiles.raw(dir.resolve("other.idx"), concat(header(1), new byte[] {1}));
        assertEquals(Checksums.Status.UNKNOWN, Checksums.verify(other).status());
    }

    @Test
    void rejectsCountMismatch() throws Exception {
        IdxFiles.dataset(dir, "t10k", 5, 2, 2, IdxFiles.labels(4));
        assertMessage(dir.resolve("t10k-images-idx3-ubyte.gz") + " has 5 images but "
                        + dir.resolve("t10k-labels-idx1-ubyte.gz") + " has 4 labels",
                () -> FashionMnist.load(dir, Split.TEST));
    }

    @Test
    void rejectsLabelOutOfRange() throws Exception {
        IdxFiles.dataset(dir, "t10k", 4, 2, 2, new byte[] {0, 1, 12, 3});
        assertMessage(dir.resolve("t10k-labels-idx1-ubyte.gz") + ": label at index 2 is 12, expected 0..9",
                () -> FashionMnist.load(dir, Split.TEST));
        // Unsigned: 0xff is 255, not -1.
        IdxFiles.dataset(dir, "t10k", 4, 2, 2, new byte[] {0, 1, 2, (byte) 0xff});
        assertMessage(dir.resolve("t10k-labels-idx1-ubyte.gz") + ": label at index 3 is 255, expected 0..9",
                () -> FashionMnist.load(dir, Split.TEST));
    }

    @Test
    void rejectsWrongDimensionality() throws Exception {
        IdxFiles.gz(dir.resolve("t10k-images-idx3-ubyte.gz"), concat(header(4, 4), new byte[16]));
        IdxFiles.gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), concat(header(4), new byte[4]));
        assertMessage(dir.resolve("t10k-images-idx3-ubyte.gz") + ": expected 3 dimensions (count x rows x cols), found 2",
                () -> FashionMnist.load(dir, Split.TEST));

        IdxFiles.gz(dir.resolve("t10k-images-idx3-ubyte.gz"), concat(header(4, 1, 1), new byte[4]));
        IdxFiles.gz(dir.resolve("t10k-labels-idx1-ubyte.gz"), concat(header(4, 1), new byte[4]));
        assertMessage(dir.resolve("t10k-labels-idx1-ubyte.gz") + ": expected 1 dimension (count), found 2",
                () -> FashionMnist.load(dir, Split.TEST));
    }

    @Test
    void reportsMissingFilesAndDirectory() throws Exception {
        IdxFiles.gz(dir.resolve("t10k-images-idx3-ubyte.gz"), concat(header(1, 1, 1), new byte[1]));
        assertMessage(dir + ": missing t10k-labels-idx1-ubyte.gz (or t10k-labels-idx1-ubyte)",
                () -> FashionMnist.load(dir, Split.TEST));
        Path none = dir.resolve("none");
        assertMessage(none + ": data directory not found", () -> FashionMnist.load(none, Split.TEST));
    }

    @Test
    void defaultDirErrorListsPlacesTried() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertMessage("Fashion-MNIST data not found; tried " + a + ", " + b + "; pass --data DIR",
                () -> FashionMnist.resolveDataDir(List.of(a, b)));
    }

    @Test
    void defaultDirSkipsDirectoriesWithoutData() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path full = IdxFiles.dataset(Files.createDirectory(dir.resolve("full")), "t10k", 1, 1, 1, new byte[] {0});
        assertEquals(full, FashionMnist.resolveDataDir(List.of(dir.resolve("missing"), empty, full)));
    }

    @Test
    void candidatesStartWithWorkingDirectoryAndEndWithDebianPath() {
        List<Path> c = FashionMnist.candidates();
        assertEquals(Path.of("data", "fashion-mnist"), c.get(0));
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), c.get(c.size() - 1));
        // Tests run from target/test-classes; classes live in target/classes, two levels under the project.
        assertTrue(c.contains(Path.of("").toAbsolutePath().resolve("data/fashion-mnist")), c.toString());
    }
}
