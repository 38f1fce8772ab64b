package dev.fashion.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fashion.FashionException;
import dev.fashion.FuzzFiles;

import java.nio.file.Path;

/**
 * Any file either reads or fails with a FashionException: no other exception, hang or out-of-memory.
 * Regression inputs: src/test/resources/dev/fashion/io/SafetensorsFuzzTestInputs/read.
 */
class SafetensorsFuzzTest {
    private static final Path FILE = FuzzFiles.reusable(".safetensors");

    @FuzzTest(maxDuration = "5m")
    void read(byte[] input) {
        try {
            for (NamedTensor t : Safetensors.read(FuzzFiles.write(FILE, input)).tensors().values()) {
                for (float v : t.data()) if (!Float.isFinite(v)) throw new AssertionError(t + " holds " + v);
            }
        } catch (FashionException expected) {
            // a clear one-line error is the right answer to a bad file
        }
    }
}
