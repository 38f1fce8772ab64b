package dev.fashion.io;

import dev.fashion.FashionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws Exception {
        Path f = dir.resolve("summary.json");
        AtomicFiles.writeString(f, "{\"a\": 1}");
        assertEquals("{\"a\": 1}", Files.readString(f));
        AtomicFiles.writeString(f, "{\"ä\": 2}\n");
        assertEquals("{\"ä\": 2}\n", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void failureKeepsOldContentAndRemovesTemporaryFile() throws Exception {
        Path f = dir.resolve("summary.json");
        AtomicFiles.writeString(f, "old");
        IOException boom = new IOException("disk on fire");
        FashionException e = assertThrows(FashionException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw boom;
        }));
        assertEquals(f + ": cannot write: disk on fire", e.getMessage());
        assertTrue(e.getCause() == boom);

        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(f, out -> {
            out.write('x');
            throw new UncheckedIOException(boom);
        }));

        assertEquals("old", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void missingDirectoryIsAUserError() {
        Path f = dir.resolve("no/such/summary.json");
        FashionException e = assertThrows(FashionException.class, () -> AtomicFiles.writeString(f, "x"));
        assertEquals(f + ": cannot write: directory " + dir.resolve("no/such") + " does not exist", e.getMessage());
    }
}
