package dev.fashion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The readers under fuzzing take files: each input is written to one reused temporary file. */
public final class FuzzFiles {
    private FuzzFiles() {
    }

    public static Path reusable(String suffix) {
        try {
            Path file = Files.createTempFile("fashion-fuzz-", suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
