package dev.fashion.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files for tests. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** An unsigned-byte IDX header for the given dimensions (taken as unsigned 32-bit). */
    static byte[] header(long... dims) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(0x08);
        out.write(dims.length);
        for (long d : dims) {
            out.write((int) (d >>> 24) & 0xff);
            out.write((int) (d >>> 16) & 0xff);
            out.write((int) (d >>> 8) & 0xff);
            out.write((int) d & 0xff);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static Path raw(Path file, byte[] bytes) throws IOException {
        return Files.write(file, bytes);
    }

    static Path gz(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    /** Gzips a header followed by {@code zeros} zero bytes without holding them in memory. */
    static Path gzZeros(Path file, byte[] header, long zeros) throws IOException {
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(header);
            for (long left = zeros; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }

    /** {@code count} images of rows x cols whose pixel p of image i is (i*7 + p) mod 256. */
    static byte[] pixels(int count, int rows, int cols) {
        byte[] b = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                b[i * rows * cols + p] = (byte) (i * 7 + p);
            }
        }
        return b;
    }

    static byte[] labels(int count) {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (i % 10);
        }
        return b;
    }

    /** Writes a train/t10k pair into dir, gzipped, returning dir. */
    static Path dataset(Path dir, String prefix, int count, int rows, int cols, byte[] labels) throws IOException {
        gz(dir.resolve(prefix + "-images-idx3-ubyte.gz"), concat(header(count, rows, cols), pixels(count, rows, cols)));
        gz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), concat(header(labels.length), labels));
        return dir;
    }
}
