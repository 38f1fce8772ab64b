package dev.fashion.config;

import dev.fashion.FashionException;
import dev.fashion.nn.Model;
import dev.fashion.nn.Parameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void recipeValuesOutOfRangeAreLocated() {
        String msg = error("optimizer:\n  type: adamw\n  weight_decay: -0.05\n");
        assertTrue(msg.startsWith("bad.yaml:3:"), msg);
        assertTrue(msg.contains("optimizer.weight_decay: weight_decay must be zero or positive"), msg);
        msg = error("schedule:\n  type: one_cycle\n  pct_start: 1.5\n");
        assertTrue(msg.startsWith("bad.yaml:3:"), msg);
        assertTrue(msg.contains("schedule.pct_start: pct_start must be in (0, 1)"), msg);
        assertTrue(error("schedule:\n  type: one_cycle\n  pct_start: 0\n").contains("(0, 1)"));
        msg = error("schedule:\n  type: linear_decay\n");
        assertTrue(msg.startsWith("bad.yaml:2:"), msg);
        assertTrue(msg.contains("schedule.type: unknown schedule 'linear_decay' (expected one of constant, step, cosine, one_cycle)"), msg);
        msg = error("optimizer:\n  type: adamw\n  no_decay: [bias, gamma]\n");
        assertTrue(msg.contains("optimizer.no_decay") && msg.contains("'gamma'"), msg);
        msg = error("loss: {type: cross_entropy, label_smoothing: 1.5}\n");
        assertTrue(msg.startsWith("bad.yaml:1:") && msg.contains("label_smoothing must be in [0, 1)"), msg);
        assertTrue(error("data:\n  augment: {shift: 2, flip: 1.5}\n").contains("data.augment.flip"));
        assertTrue(error("data:\n  validation: -5\n").contains("data.validation"));
        assertTrue(error("training:\n  keep: worst\n").contains("training.keep: expected last or best"));
    }

    @Test
    void recipeCombinationsAreLocatedAtTheFieldToChange() {
        String msg = error("schedule:\n  type: cosine\n  pct_start: 0.3\n");
        assertEquals("bad.yaml:3:3: schedule.pct_start: a cosine schedule has no pct_start (its fields: warmup_epochs, "
                + "warmup_start_factor, min_lr)", msg);
        msg = error("model:\n  input: [784]\n  layers:\n    - {type: linear, out: 10}\nloss: cross_entropy\n"
                + "data:\n  augment: {shift: 2}\n");
        assertTrue(msg.startsWith("bad.yaml:7:3: data.augment: augmentation shifts and flips images"), msg);
        msg = error("data:\n  train_limit: 100\n  validation: 100\n");
        assertTrue(msg.startsWith("bad.yaml:3:3: data.validation: a validation split of 100 images leaves none"), msg);
        msg = error("training: {epochs: 3}\nschedule:\n  type: cosine\n  warmup_epochs: 3\n");
        assertTrue(msg.startsWith("bad.yaml:4:3: schedule.warmup_epochs: a warm-up of 3.0 epochs leaves nothing"), msg);
        msg = error("training:\n  keep: best\n");
        assertTrue(msg.startsWith("bad.yaml:2:3: training.keep: keep: best chooses by validation accuracy"), msg);
        msg = error("training:\n  early_stopping: {patience: 3}\n");
        assertTrue(msg.startsWith("bad.yaml:2:3: training.early_stopping"), msg);
    }

    @Test
    void theMlpRecipeConfig() {
        RunConfig c = ConfigLoader.load(CONFIGS.resolve("mlp-pytorch.yaml"));
        assertEquals("adamw", c.getOptimizer().getType());
        assertEquals(0.05, c.getOptimizer().getWeightDecay());
        assertEquals(0.002, c.getOptimizer().getLr());
        assertEquals("one_cycle", c.getSchedule().getType());
        assertEquals(0.1, c.getSchedule().pctStart());
        assertEquals(25.0, c.getSchedule().divFactor());
        assertEquals(1e4, c.getSchedule().finalDivFactor());
        assertEquals("cross_entropy", c.getLoss());
        assertEquals(0.1, c.getLabelSmoothing());
        assertEquals(24, c.getTraining().getEpochs());
        assertEquals(128, c.getTraining().getBatchSize());
        Model m = ModelFactory.build(c);
        assertEquals(784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10, m.parameterCount());
        // The resolved config round-trips, loss section and schedule included.
        RunConfig back = ConfigLoader.parse(ConfigLoader.toYaml(c).getBytes(StandardCharsets.UTF_8), "x.yaml", false);
        assertEquals(ConfigLoader.toJson(c), ConfigLoader.toJson(back));
        // mlp-best.yaml: the same recipe with batch norm after fc1 and fc2 (PyTorch's names) and lr 4e-3.
        RunConfig best = ConfigLoader.load(CONFIGS.resolve("mlp-best.yaml"));
        assertEquals(0.004, best.getOptimizer().getLr());
        assertEquals(List.of("one_cycle", 0.1, 25.0, 1e4, 0.1, 0.05, 24, 128),
                List.of(best.getSchedule().getType(), best.getSchedule().pctStart(), best.getSchedule().divFactor(),
                        best.getSchedule().finalDivFactor(), best.getLabelSmoothing(), best.getOptimizer().getWeightDecay(),
                        best.getTraining().getEpochs(), best.getTraining().getBatchSize()));
        Model withNorm = ModelFactory.build(best);
        assertEquals(m.parameterCount() + 2 * (512 + 256), withNorm.parameterCount());
        assertEquals(List.of("fc1.weight", "fc1.bias", "bn1.weight", "bn1.bias", "fc2.weight", "fc2.bias",
                "bn2.weight", "bn2.bias", "fc3.weight", "fc3.bias"), withNorm.parameters().stream().map(Parameter::name).toList());
        assertEquals("adamw", ConfigLoader.parse("optimizer: {type: adamw}".getBytes(StandardCharsets.UTF_8), "y", false)
                .getOptimizer().getType());
        assertEquals(0.01, ConfigLoader.parse("optimizer: {type: adamw}".getBytes(StandardCharsets.UTF_8), "y", false)
                .getOptimizer().getWeightDecay(), "PyTorch's AdamW default");
    }
}
