package dev.fashion.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fashion.FashionException;

/**
 * Any YAML or JSON text either parses or fails with a FashionException; a config that parses survives
 * the round trip through JSON (as a checkpoint stores it) and builds a model or is refused clearly.
 * Regression inputs: src/test/resources/dev/fashion/config/ConfigLoaderFuzzTestInputs/parse.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parse(FuzzedDataProvider data) {
        boolean json = data.consumeBoolean();
        try {
            RunConfig config = ConfigLoader.parse(data.consumeRemainingAsBytes(), json ? "fuzz.json" : "fuzz.yaml", json);
            RunConfig copy = ConfigLoader.copy(config);
            if (!ConfigLoader.toJson(copy).equals(ConfigLoader.toJson(config))) throw new AssertionError("round trip changed the config");
            ModelFactory.build(config);
        } catch (FashionException expected) {
            // a clear one-line error is the right answer to a bad config
        }
    }
}
