package dev.fashion.data;

import dev.fashion.FashionException;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads a split of Fashion-MNIST, or of any IDX dataset laid out the same way (the original MNIST digits
 * use the same file names): {@code train-images-idx3-ubyte[.gz]} with {@code train-labels-idx1-ubyte[.gz]},
 * and {@code t10k-...} for the test split.
 *
 * <p>Checksums: the bundled dataset ({@link #defaultDataDir()}) must match the published MD5s, so a
 * corrupt copy fails loudly; a directory the user names may legitimately hold another dataset, so there
 * a mismatch is only recorded (see {@link #checksums(Path)}).
 */
public final class FashionMnist {

    /** Class names in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    static final Path RELATIVE_DIR = Path.of("data", "fashion-mnist");

    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** The file-name prefix: "train" or "t10k". */
        public String prefix() {
            return prefix;
        }

        public String imagesName() {
            return prefix + "-images-idx3-ubyte";
        }

        public String labelsName() {
            return prefix + "-labels-idx1-ubyte";
        }
    }

    private FashionMnist() {
    }

    /** Loads a split from a user-named directory; checksum mismatches are recorded, not fatal. */
    public static ImageDataset load(Path dir, Split split) {
        return load(dir, split, false);
    }

    /** Loads a split of the bundled dataset, which must match the published checksums. */
    public static ImageDataset load(Split split) {
        return load(defaultDataDir(), split, true);
    }

    /**
     * Loads a split; with {@code requireVerified} any file whose MD5 differs from the published one is an
     * error naming it.
     */
    public static ImageDataset load(Path dir, Split split, boolean requireVerified) {
        return load(dir, split, requireVerified, new IdxReader());
    }

    static ImageDataset load(Path dir, Split split, boolean requireVerified, IdxReader reader) {
        Path imagesPath = imagesFile(dir, split);
        Path labelsPath = labelsFile(dir, split);

        IdxReader.IdxFile images = reader.read(imagesPath);
        checksum(images, requireVerified);
        if (images.dims().length != 3) {
            throw new FashionException(imagesPath + ": expected 3 dimensions (count x rows x cols), found "
                    + images.dims().length);
        }
        IdxReader.IdxFile labels = reader.read(labelsPath);
        checksum(labels, requireVerified);
        if (labels.dims().length != 1) {
            throw new FashionException(labelsPath + ": expected 1 dimension (count), found " + labels.dims().length);
        }

        int count = images.dims()[0];
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        if (labels.dims()[0] != count) {
            throw new FashionException(imagesPath + " has " + count + " images but " + labelsPath + " has "
                    + labels.dims()[0] + " labels");
        }
        if (count == 0 || rows == 0 || cols == 0) {
            throw new FashionException(imagesPath + ": holds no pixels (" + count + "x" + rows + "x" + cols + ")");
        }
        byte[] y = labels.data();
        for (int i = 0; i < y.length; i++) {
            int v = y[i] & 0xff;
            if (v >= ImageDataset.NUM_CLASSES) {
                throw new FashionException(labelsPath + ": label at index " + i + " is " + v + ", expected 0.."
                        + (ImageDataset.NUM_CLASSES - 1));
            }
        }
        Path dirName = dir.toAbsolutePath().normalize().getFileName();
        String name = (dirName == null ? "data" : dirName.toString()) + "/" + split.name().toLowerCase(Locale.ROOT);
        return ImageDataset.wrap(name, count, rows, cols, images.data(), y);
    }

    private static void checksum(IdxReader.IdxFile f, boolean requireVerified) {
        Checksums.Result r = Checksums.record(f.file(), f.md5());
        if (requireVerified) {
            Checksums.requireVerified(r);
        }
    }

    /** The images file of a split: the .gz if present, else the raw file. */
    public static Path imagesFile(Path dir, Split split) {
        return find(dir, split.imagesName());
    }

    /** The labels file of a split: the .gz if present, else the raw file. */
    public static Path labelsFile(Path dir, Split split) {
        return find(dir, split.labelsName());
    }

    /**
     * The checksum status of each of the four files present in {@code dir}, from this process's cache or by
     * reading them (an info command calls this; after loading it costs nothing).
     */
    public static List<Checksums.Result> checksums(Path dir) {
        requireDir(dir);
        List<Checksums.Result> out = new ArrayList<>();
        for (Split s : Split.values()) {
            for (String base : List.of(s.imagesName(), s.labelsName())) {
                Path f = existing(dir, base);
                if (f != null) {
                    out.add(Checksums.verify(f));
                }
            }
        }
        return out;
    }

    /**
     * The bundled data directory: {@code data/fashion-mnist} under the current directory, else next to
     * the running jar or classes directory (a jar in {@code target/} finds {@code ../data/fashion-mnist}),
     * else {@code /usr/share/datasets/fashion-mnist}.
     */
    public static Path defaultDataDir() {
        return resolveDataDir(candidates());
    }

    static Path resolveDataDir(List<Path> candidates) {
        for (Path c : candidates) {
            if (holdsData(c)) {
                return c;
            }
        }
        List<String> tried = new ArrayList<>();
        for (Path c : candidates) {
            tried.add(c.toAbsolutePath().normalize().toString());
        }
        throw new FashionException("Fashion-MNIST data not found; tried " + String.join(", ", tried)
                + "; pass --data DIR");
    }

    static List<Path> candidates() {
        Set<Path> out = new LinkedHashSet<>();
        out.add(RELATIVE_DIR);
        Path code = codeLocation();
        if (code != null) {
            // A jar's directory (target/), or a classes directory (target/classes/), then up to the project.
            Path p = Files.isDirectory(code) ? code : code.getParent();
            for (int i = 0; i < 3 && p != null; i++, p = p.getParent()) {
                out.add(p.resolve(RELATIVE_DIR));
            }
        }
        out.add(SYSTEM_DIR);
        return new ArrayList<>(out);
    }

    private static Path codeLocation() {
        try {
            CodeSource cs = FashionMnist.class.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null; // not a file location (e.g. a custom class loader): skip this candidate
        }
    }

    private static boolean holdsData(Path dir) {
        return Files.isDirectory(dir)
                && (existing(dir, Split.TRAIN.imagesName()) != null || existing(dir, Split.TEST.imagesName()) != null);
    }

    private static Path find(Path dir, String base) {
        requireDir(dir);
        Path f = existing(dir, base);
        if (f == null) {
            throw new FashionException(dir + ": missing " + base + ".gz (or " + base + ")");
        }
        return f;
    }

    private static Path existing(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        return Files.isRegularFile(raw) ? raw : null;
    }

    private static void requireDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new FashionException(dir + (Files.exists(dir) ? ": is not a directory" : ": data directory not found"));
        }
    }
}
