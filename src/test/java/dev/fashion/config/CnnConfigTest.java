package dev.fashion.config;

import dev.fashion.FashionException;
import dev.fashion.nn.Model;
import dev.fashion.nn.Shape;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolutional layers' config entries: parsing, defaults and located errors. */
class CnnConfigTest {

    private static RunConfig parse(String yaml) {
        return ConfigLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "cnn.yaml", false);
    }

    private static String error(String layers) {
        return assertThrows(FashionException.class, () -> ModelFactory.build(parse(
                "model:\n  input: [1, 28, 28]\n  layers:\n" + layers + "loss: cross_entropy\n"))).getMessage();
    }

    @Test
    void kernelsStridesAndPaddingTakeANumberOrAPair() {
        Model m = ModelFactory.build(parse("""
                model:
                  input: [3, 28, 20]
                  layers:
                    - {type: conv2d, out: 5, kernel: [3, 5], stride: [2, 1], padding: [1, 2], bias: false}
                    - {type: batch_norm, eps: 0.001, momentum: 0.2}
                    - {type: max_pool, kernel: 2}
                    - {type: avg_pool}
                    - {type: flatten}
                    - {type: linear, out: 10}
                loss: cross_entropy
                """));
        assertEquals(new Shape(5, 14, 20), m.layers().get(0).outputShape());
        assertEquals(new Shape(5, 7, 10), m.layers().get(2).outputShape());
        assertEquals(new Shape(5, 1, 1), m.layers().get(3).outputShape());
        assertEquals("conv2d1", m.layers().get(0).name());
        assertEquals(1, m.layers().get(0).parameters().size());
        // The config round-trips (checkpoints compare configs).
        RunConfig again = ConfigLoader.parse(ConfigLoader.toJson(parse("""
                model:
                  layers:
                    - {type: conv2d, out: 5, kernel: 3, padding: 1}
                    - {type: flatten}
                    - {type: linear, out: 10}
                loss: cross_entropy
                """)).getBytes(StandardCharsets.UTF_8), "again.json", true);
        assertEquals(java.util.List.of(3), again.getModel().getLayers().get(0).kernel());
    }

    @Test
    void badSettingsAreLocated() {
        String msg = error("    - {type: conv2d, out: 8}\n");
        assertTrue(msg.startsWith("cnn.yaml:4:") && msg.contains("conv2d layer needs 'kernel'"), msg);
        msg = error("    - {type: conv2d, out: 8, kernel: [3, 3, 3]}\n");
        assertTrue(msg.contains("'kernel' must be one number or [h, w], got [3, 3, 3]"), msg);
        msg = error("    - {type: conv2d, out: 8, kernel: 3, stride: 0}\n");
        assertTrue(msg.contains("'stride' must be positive, got [0]"), msg);
        msg = error("    - {type: conv2d, out: 8, kernel: 3, padding: -1}\n");
        assertTrue(msg.contains("'padding' must be 0 or more"), msg);
        msg = error("    - {type: max_pool, kernel: 2, padding: 1}\n");
        assertTrue(msg.contains("max_pool layer takes no 'padding'"), msg);
        msg = error("    - {type: batch_norm, kernel: 2}\n");
        assertTrue(msg.contains("batch_norm layer takes no 'kernel'"), msg);
        msg = error("    - {type: relu, momentum: 0.1}\n");
        assertTrue(msg.contains("relu layer takes no 'eps' or 'momentum'"), msg);
    }

    @Test
    void shapeErrorsNameTheLayer() {
        String msg = error("    - {type: conv2d, name: conv1, out: 8, kernel: 30}\n    - {type: flatten}\n    - {type: linear, out: 10}\n");
        assertTrue(msg.contains("layer conv1 (conv2d): kernel [30, 30] is larger than the padded input [28, 28]"), msg);
        msg = error("    - {type: conv2d, name: conv1, in: 3, out: 8, kernel: 3}\n    - {type: flatten}\n    - {type: linear, out: 10}\n");
        assertTrue(msg.contains("layer conv1 (conv2d): expects input [N, 3, H, W] (in: 3), got [N, 1, 28, 28]"), msg);
        msg = error("    - {type: flatten}\n    - {type: max_pool, name: pool1, kernel: 2}\n    - {type: linear, out: 10}\n");
        assertTrue(msg.contains("layer pool1 (max_pool): expects input [N, C, H, W], got [N, 784]"), msg);
    }
}
