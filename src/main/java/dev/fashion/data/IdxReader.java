package dev.fashion.data;

import dev.fashion.FashionException;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST container format), raw or gzip-compressed; gzip is detected by its magic
 * bytes so a mis-named file still reads. Only unsigned-byte data (type 0x08) is supported. Everything a
 * file declares is bounded before memory is allocated, and the decompressed stream is capped so a gzip
 * bomb stops early. The MD5 of the decompressed bytes is computed while reading.
 */
public final class IdxReader {

    /** Default cap on the declared element count (Fashion-MNIST train images are 47M). */
    public static final long DEFAULT_MAX_ELEMENTS = 100_000_000L;
    /** Default cap on the decompressed stream: the largest allowed payload plus a maximal header. */
    public static final long DEFAULT_MAX_DECOMPRESSED = DEFAULT_MAX_ELEMENTS + 4 + 4 * 255;

    static final int TYPE_UNSIGNED_BYTE = 0x08;
    private static final int BUFFER = 1 << 16;

    /** A decoded IDX file: its dimensions (outermost first), the bytes, and the MD5 of the decompressed file. */
    public record IdxFile(Path file, int[] dims, byte[] data, String md5) {
        /** Total element count, the product of {@link #dims()}. */
        public long elements() {
            long n = 1;
            for (int d : dims) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return "IdxFile[" + file + ", dims=" + Arrays.toString(dims) + ", md5=" + md5 + "]";
        }
    }

    private final long maxElements;
    private final long maxDecompressed;

    public IdxReader() {
        this(DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_DECOMPRESSED);
    }

    /** Smaller bounds let tests exercise the limits without large files. */
    IdxReader(long maxElements, long maxDecompressed) {
        this.maxElements = maxElements;
        this.maxDecompressed = maxDecompressed;
    }

    /** Reads and validates a whole IDX file. */
    public IdxFile read(Path file) {
        long fileSize = size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            boolean gzip = isGzip(raw);
            MessageDigest md5 = md5();
            InputStream in = new DigestInputStream(open(file, raw, gzip), md5);

            byte[] head = new byte[4];
            int n = in.readNBytes(head, 0, 4);
            if (n < 4) {
                throw new FashionException(file + ": truncated: IDX header needs at least 4 bytes, file has " + n);
            }
            if (head[0] != 0 || head[1] != 0) {
                throw new FashionException(file + ": not an IDX file: magic bytes " + hex(head)
                        + ", expected 00 00 08 <ndim>");
            }
            int type = head[2] & 0xff;
            if (type != TYPE_UNSIGNED_BYTE) {
                throw new FashionException(String.format("%s: unsupported IDX data type 0x%02x, expected 0x08 (unsigned byte)",
                        file, type));
            }
            int ndim = head[3] & 0xff;
            if (ndim == 0) {
                throw new FashionException(file + ": IDX header declares 0 dimensions, expected at least 1");
            }
            byte[] dimBytes = new byte[4 * ndim];
            n = in.readNBytes(dimBytes, 0, dimBytes.length);
            if (n < dimBytes.length) {
                throw new FashionException(file + ": truncated: IDX header declares " + ndim + " dimensions ("
                        + dimBytes.length + " bytes), file has " + n);
            }
            long[] declared = new long[ndim];
            for (int i = 0; i < ndim; i++) {
                declared[i] = ((dimBytes[4 * i] & 0xffL) << 24) | ((dimBytes[4 * i + 1] & 0xffL) << 16)
                        | ((dimBytes[4 * i + 2] & 0xffL) << 8) | (dimBytes[4 * i + 3] & 0xffL);
            }
            String shape = shape(declared);
            // Checked one factor at a time so the product cannot overflow a long.
            long total = 1;
            for (long d : declared) {
                if (d != 0 && total > maxElements / d) {
                    throw new FashionException(file + ": header declares " + shape + " elements, more than the limit of "
                            + maxElements);
                }
                total *= d;
            }
            long headerBytes = 4L + dimBytes.length;
            if (headerBytes + total > maxDecompressed) {
                throw new FashionException(file + ": header declares " + shape + " = " + total
                        + " bytes, more than the decompression limit of " + maxDecompressed + " bytes");
            }
            String what = ndim == 1 ? "labels" : "pixels";
            if (!gzip && fileSize != headerBytes + total) {
                // Raw files can be checked against their size before allocating anything.
                long found = fileSize - headerBytes;
                throw new FashionException(found < total
                        ? truncated(file, shape, total, what, found)
                        : trailing(file, shape, total, what, found - total));
            }

            byte[] data = readPayload(in, (int) total, gzip);
            if (data.length < total) {
                throw new FashionException(truncated(file, shape, total, what, data.length));
            }
            long extra = in.transferTo(OutputStream.nullOutputStream());
            if (extra > 0) {
                throw new FashionException(trailing(file, shape, total, what, extra));
            }
            int[] dims = new int[ndim];
            for (int i = 0; i < ndim; i++) {
                dims[i] = (int) declared[i];
            }
            return new IdxFile(file, dims, data, HexFormat.of().formatHex(md5.digest()));
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /**
     * Reads up to {@code total} bytes. A raw file's size was checked, so its array is allocated at once; a
     * gzip stream's grows as data arrives, so a tiny file that claims a large payload allocates little.
     */
    private static byte[] readPayload(InputStream in, int total, boolean gzip) throws IOException {
        byte[] data = new byte[gzip ? Math.min(total, BUFFER) : total];
        int n = 0;
        while (n < total) {
            if (n == data.length) data = Arrays.copyOf(data, (int) Math.min(total, 2L * data.length));
            int r = in.read(data, n, data.length - n);
            if (r < 0) return Arrays.copyOf(data, n);
            n += r;
        }
        return data;
    }

    /**
     * The MD5 of the file's decompressed bytes, streamed without keeping them; used to verify a file that
     * has not been loaded. The decompression cap still applies.
     */
    public String md5(Path file) {
        size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            MessageDigest md5 = md5();
            InputStream in = new DigestInputStream(open(file, raw, isGzip(raw)), md5);
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(md5.digest());
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    private InputStream open(Path file, InputStream raw, boolean gzip) throws IOException {
        return gzip ? new Capped(new GZIPInputStream(raw, BUFFER), file, maxDecompressed) : raw;
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static long size(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new FashionException(file + ": is a directory, expected an IDX file");
            }
            return Files.size(file);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    private static String truncated(Path file, String shape, long total, String what, long found) {
        return file + ": truncated: header declares " + shape + " = " + total + " bytes of " + what
                + ", file has " + found;
    }

    private static String trailing(Path file, String shape, long total, String what, long extra) {
        return file + ": " + extra + " unexpected trailing bytes after the " + shape + " = " + total
                + " bytes of " + what + " the header declares";
    }

    static FashionException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new FashionException(file + ": file not found", e);
        }
        if (e instanceof AccessDeniedException) {
            return new FashionException(file + ": permission denied", e);
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            return new FashionException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
        return new FashionException(file + ": cannot read: " + e, e);
    }

    private static String shape(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides MD5", e);
        }
    }

    /** Stops decompression once more than {@code limit} bytes came out, so a gzip bomb cannot run on. */
    private static final class Capped extends FilterInputStream {
        private final Path file;
        private final long limit;
        private long count;

        Capped(InputStream in, Path file, long limit) {
            super(in);
            this.file = file;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            advance(s);
            return s;
        }

        private void advance(long n) {
            count += n;
            if (count > limit) {
                throw new FashionException(file + ": decompressed data exceeds the limit of " + limit
                        + " bytes (gzip bomb or not an IDX file)");
            }
        }
    }
}
