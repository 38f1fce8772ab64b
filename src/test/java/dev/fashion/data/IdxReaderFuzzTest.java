package dev.fashion.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fashion.FashionException;
import dev.fashion.FuzzFiles;

import java.nio.file.Path;

/**
 * Any file either reads or fails with a FashionException: no other exception, hang or out-of-memory.
 * Regression inputs: src/test/resources/dev/fashion/data/IdxReaderFuzzTestInputs/idx.
 */
class IdxReaderFuzzTest {
    private static final Path FILE = FuzzFiles.reusable(".idx");
    private static final IdxReader READER = new IdxReader();

    @FuzzTest(maxDuration = "5m")
    void idx(byte[] input) {
        try {
            IdxReader.IdxFile f = READER.read(FuzzFiles.write(FILE, input));
            if (f.elements() != f.data().length) throw new AssertionError("dims " + f + " but " + f.data().length + " bytes");
        } catch (FashionException expected) {
            // a clear one-line error is the right answer to a bad file
        }
    }
}
