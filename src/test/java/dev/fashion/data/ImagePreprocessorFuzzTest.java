package dev.fashion.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fashion.FashionException;
import dev.fashion.FuzzFiles;

import java.nio.file.Path;

/**
 * Any file given to predict either becomes a 28x28 image or fails with a FashionException: no other
 * exception, hang or out-of-memory. Regression inputs: ImagePreprocessorFuzzTestInputs/read.
 */
class ImagePreprocessorFuzzTest {
    private static final Path FILE = FuzzFiles.reusable(".img");

    @FuzzTest(maxDuration = "5m")
    void read(byte[] input) {
        try {
            byte[] pixels = ImagePreprocessor.read(FuzzFiles.write(FILE, input));
            if (pixels.length != ImagePreprocessor.SIZE * ImagePreprocessor.SIZE) throw new AssertionError(pixels.length + " pixels");
        } catch (FashionException expected) {
            // a clear one-line error is the right answer to a bad file
        }
    }
}
