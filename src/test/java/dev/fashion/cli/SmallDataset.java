package dev.fashion.cli;

import dev.fashion.data.FashionMnist;
import dev.fashion.data.IdxReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The first images of the bundled Fashion-MNIST as raw IDX files, so child JVMs start in a fraction of the time. */
final class SmallDataset {
    private SmallDataset() {
    }

    static Path write(Path dir, int trainCount, int testCount) throws IOException {
        Files.createDirectories(dir);
        copy(dir, FashionMnist.Split.TRAIN, trainCount);
        copy(dir, FashionMnist.Split.TEST, testCount);
        return dir;
    }

    private static void copy(Path dir, FashionMnist.Split split, int count) throws IOException {
        Path source = FashionMnist.defaultDataDir();
        IdxReader reader = new IdxReader();
        IdxReader.IdxFile images = reader.read(FashionMnist.imagesFile(source, split));
        IdxReader.IdxFile labels = reader.read(FashionMnist.labelsFile(source, split));
        int pixels = images.dims()[1] * images.dims()[2];
        Files.write(dir.resolve(split.imagesName()), idx(images.data(), count * pixels, count, images.dims()[1], images.dims()[2]));
        Files.write(dir.resolve(split.labelsName()), idx(labels.data(), count, count));
    }

    /** An unsigned-byte IDX file holding the first {@code bytes} of {@code data}. */
    static byte[] idx(byte[] data, int bytes, int... dims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{0, 0, 0x08, (byte) dims.length});
        for (int d : dims) out.writeBytes(new byte[]{(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
        out.write(data, 0, bytes);
        return out.toByteArray();
    }
}
