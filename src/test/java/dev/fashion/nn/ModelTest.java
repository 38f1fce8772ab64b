package dev.fashion.nn;

import dev.fashion.FashionException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {

    @Test
    void infersShapesThroughTheReferenceModel() {
        Model m = new Model(new Shape(1, 28, 28), List.of(new Flatten("flat"), new Linear("fc1", 0, 256, true),
                new Relu("r1"), new Linear("fc2", 0, 10, true), new LogSoftmax("out")));
        assertEquals(new Shape(10), m.outputShape());
        assertEquals(784 * 256 + 256 + 256 * 10 + 10, m.parameterCount());
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"),
                m.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of(256, 784), java.util.Arrays.stream(m.parameter("fc1.weight").shape()).boxed().toList());
    }

    @Test
    void mismatchNamesTheLayerAndBothShapes() {
        FashionException e = assertThrows(FashionException.class, () -> new Model(new Shape(784),
                List.of(new Linear("fc1", 0, 256, true), new Linear("fc2", 300, 10, true))));
        assertEquals("layer fc2 (linear): expects input [N, 300], got [N, 256]", e.getMessage());
    }

    @Test
    void linearOnImagesAsksForFlatten() {
        FashionException e = assertThrows(FashionException.class,
                () -> new Model(new Shape(1, 28, 28), List.of(new Linear("fc1", 0, 256, true))));
        assertTrue(e.getMessage().contains("got [N, 1, 28, 28]"), e.getMessage());
        assertTrue(e.getMessage().contains("flatten"), e.getMessage());
    }

    @Test
    void duplicateNamesAreRejected() {
        FashionException e = assertThrows(FashionException.class, () -> new Model(new Shape(4),
                List.of(new Relu("a"), new Relu("a"))));
        assertTrue(e.getMessage().contains("'a'"));
    }

    @Test
    void initialisationFollowsPyTorchBounds() {
        Linear fc = new Linear("fc", 0, 64, true);
        fc.bind(new Shape(100));
        fc.initialize(new Rng(3));
        float bound = 0.1f; // 1/sqrt(100)
        float max = 0;
        for (float w : fc.weight().data()) max = Math.max(max, Math.abs(w));
        assertTrue(max <= bound && max > 0.9f * bound, "weights within ±1/sqrt(fan_in), max " + max);
        for (float b : fc.bias().data()) assertTrue(Math.abs(b) <= bound);
    }

    @Test
    void rngIsReproducibleAndRestorable() {
        Rng a = new Rng(7);
        a.nextLong();
        long state = a.state();
        long next = a.nextLong();
        Rng b = new Rng(0);
        b.setState(state);
        assertEquals(next, b.nextLong());
        int[] hist = new int[10];
        Rng r = Rng.forPurpose(1, "x");
        for (int i = 0; i < 10000; i++) hist[r.nextInt(10)]++;
        for (int h : hist) assertTrue(h > 850 && h < 1150, "uniform nextInt");
    }
}
