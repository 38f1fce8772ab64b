package dev.fashion.data;

import dev.fashion.FashionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The published MD5s of the four Fashion-MNIST files (over the decompressed bytes, so .gz and raw copies
 * match alike), and a per-process cache of what was verified. Loading a file records its digest here as a
 * side effect of reading it, so verification costs no second pass.
 */
public final class Checksums {

    /** VERIFIED: matches the published MD5; MISMATCH: a known name with other content; UNKNOWN: no MD5 known. */
    public enum Status { VERIFIED, MISMATCH, UNKNOWN }

    /** The verification of one file; {@code expected} is null when the status is UNKNOWN. */
    public record Result(Path file, Status status, String expected, String actual) {
        /** One line for an info listing, e.g. {@code train-images-idx3-ubyte.gz  VERIFIED  f4a8...}. */
        public String describe() {
            return switch (status) {
                case VERIFIED -> file.getFileName() + ": VERIFIED (md5 " + actual + ")";
                case MISMATCH -> file.getFileName() + ": MISMATCH (expected md5 " + expected + ", got " + actual + ")";
                case UNKNOWN -> file.getFileName() + ": UNKNOWN (md5 " + actual + ", no published checksum)";
            };
        }
    }

    private static final Map<String, String> KNOWN = Map.of(
            "train-images-idx3-ubyte", "f4a8712d7a061bf5bd6d2ca38dc4d50a",
            "train-labels-idx1-ubyte", "9018921c3c673c538a1fc5bad174d6f9",
            "t10k-images-idx3-ubyte", "8181f5470baa50b63fa0f6fddb340f0a",
            "t10k-labels-idx1-ubyte", "15d484375f8d13e6eb1aabb0c3f46965");

    /** Keyed by real path, size and modification time, so an edited file is verified again. */
    private static final Map<String, Result> CACHE = new ConcurrentHashMap<>();

    private Checksums() {
    }

    /** The published MD5 for a Fashion-MNIST file name, with or without ".gz". */
    public static Optional<String> expectedMd5(String fileName) {
        String base = fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        return Optional.ofNullable(KNOWN.get(base));
    }

    /** Classifies a digest computed elsewhere and remembers it for this file. */
    public static Result record(Path file, String actualMd5) {
        Result r = classify(file, actualMd5);
        String key = key(file);
        if (key != null) {
            CACHE.put(key, r);
        }
        return r;
    }

    /** The result recorded for this file (unchanged since) in this process, if any. */
    public static Optional<Result> cached(Path file) {
        String key = key(file);
        return key == null ? Optional.empty() : Optional.ofNullable(CACHE.get(key));
    }

    /** The file's status, from the cache or by streaming it once through MD5. */
    public static Result verify(Path file) {
        Optional<Result> hit = cached(file);
        return hit.isPresent() ? hit.get() : record(file, new IdxReader().md5(file));
    }

    /** Throws unless the result is VERIFIED: the rule for the bundled dataset, which must be pristine. */
    public static void requireVerified(Result r) {
        switch (r.status()) {
            case VERIFIED -> { }
            case MISMATCH -> throw new FashionException(r.file() + ": corrupt or modified: expected md5 "
                    + r.expected() + ", got " + r.actual());
            case UNKNOWN -> throw new FashionException(r.file()
                    + ": not a Fashion-MNIST file name, no checksum to verify it against");
        }
    }

    static void clearCache() {
        CACHE.clear();
    }

    private static Result classify(Path file, String actual) {
        Path name = file.getFileName();
        Optional<String> expected = expectedMd5(name == null ? "" : name.toString());
        if (expected.isEmpty()) {
            return new Result(file, Status.UNKNOWN, null, actual);
        }
        Status s = expected.get().equalsIgnoreCase(actual) ? Status.VERIFIED : Status.MISMATCH;
        return new Result(file, s, expected.get(), actual);
    }

    private static String key(Path file) {
        try {
            Path real = file.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            return real + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return null;
        }
    }
}
