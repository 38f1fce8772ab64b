package dev.fashion.config;

import dev.fashion.FashionException;
import dev.fashion.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    private static final Path CONFIGS = Path.of("configs");

    @Test
    void referenceConfigsParseToTheSameModel() {
        RunConfig yaml = ConfigLoader.load(CONFIGS.resolve("mlp.yaml"));
        RunConfig json = ConfigLoader.load(CONFIGS.resolve("mlp.json"));
        RunConfig bundled = ConfigLoader.loadDefault();
        assertEquals(ConfigLoader.toJson(yaml), ConfigLoader.toJson(json));
        assertEquals(ConfigLoader.toJson(yaml), ConfigLoader.toJson(bundled));
        assertEquals(0.003, yaml.getOptimizer().getLr());
        assertEquals(64, yaml.getTraining().getBatchSize());
        assertEquals(5, yaml.getTraining().getEpochs());
        Model m = ModelFactory.build(yaml);
        assertEquals(242_762, m.parameterCount());
        assertEquals("fc4.bias", m.parameters().get(7).name());
    }

    @Test
    void resolvedConfigRoundTrips() {
        RunConfig c = ConfigLoader.loadDefault();
        c.getTraining().setEpochs(2);
        RunConfig back = ConfigLoader.parse(ConfigLoader.toYaml(c).getBytes(StandardCharsets.UTF_8), "x.yaml", false);
        assertEquals(ConfigLoader.toJson(c), ConfigLoader.toJson(back));
    }

    private static String error(String yaml) {
        return assertThrows(FashionException.class,
                () -> ConfigLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "bad.yaml", false)).getMessage();
    }

    @Test
    void unknownFieldIsNamedWithItsPosition() {
        String msg = error("training:\n  epochs: 3\n  epochz: 4\n");
        assertTrue(msg.startsWith("bad.yaml:3:"), msg);
        assertTrue(msg.contains("unknown field 'epochz' in training"), msg);
        assertTrue(msg.contains("epochs"), "lists the known fields: " + msg);
    }

    @Test
    void unknownLayerTypeIsNamed() {
        String msg = error("model:\n  layers:\n    - {type: flatten}\n    - {type: conv9, out: 3}\n");
        assertTrue(msg.contains("model.layers[1]"), msg);
        assertTrue(msg.contains("unknown layer type 'conv9'"), msg);
        assertTrue(msg.startsWith("bad.yaml:4:"), msg);
    }

    @Test
    void outOfRangeValuesNameFileLineAndField() {
        String msg = error("optimizer:\n  type: adam\n  lr: -0.1\n");
        assertTrue(msg.startsWith("bad.yaml:3:"), msg);
        assertTrue(msg.contains("optimizer.lr"), msg);
        assertTrue(msg.contains("positive"), msg);
        assertTrue(error("training:\n  batch_size: 0\n").contains("training.batch_size: batch size must be"));
        assertTrue(error("model:\n  layers:\n    - {type: dropout, p: 1.0}\n").contains("[0, 1)"));
        assertTrue(error("model:\n  layers:\n    - {type: linear, out: -3}\n").contains("'out' must be positive"));
    }

    @Test
    void wrongTypesAreExplained() {
        String msg = error("training:\n  epochs: five\n");
        assertTrue(msg.contains("training.epochs"), msg);
        assertTrue(msg.contains("whole number"), msg);
    }

    @Test
    void duplicateKeysAreRejected() {
        String msg = error("training:\n  epochs: 3\n  epochs: 4\n");
        assertTrue(msg.toLowerCase().contains("duplicate"), msg);
    }

    @Test
    void lossMustFitTheLastLayer() {
        RunConfig c = ConfigLoader.loadDefault();
        c.setLoss("cross_entropy");
        assertTrue(assertThrows(FashionException.class, () -> ModelFactory.build(c)).getMessage().contains("log_softmax"));
    }

    @Test
    void missingFileIsAUserError(@TempDir Path dir) throws IOException {
        assertTrue(assertThrows(FashionException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")))
                .getMessage().contains("not found"));
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "{\"training\": {\"epochs\": 2,}}");
        String msg = assertThrows(FashionException.class, () -> ConfigLoader.load(json)).getMessage();
        assertTrue(msg.startsWith(json + ":1:"), msg);
    }
}
