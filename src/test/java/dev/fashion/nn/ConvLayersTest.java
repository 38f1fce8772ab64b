package dev.fashion.nn;

import dev.fashion.FashionException;
import dev.fashion.kernels.ScalarKernels;
import dev.fashion.parallel.ParallelKernels;
import dev.fashion.parallel.Scheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Finite-difference checks and shape rules of the convolutional layers (see {@link GradientCheckTest}). */
class ConvLayersTest {
    private static final Scheduler SCHEDULER = new Scheduler(1);
    private static final Layer.Context CTX = new Layer.Context(new ParallelKernels(new ScalarKernels(), SCHEDULER), new Rng(1));

    @AfterAll
    static void close() {
        SCHEDULER.close();
    }

    @Test
    void conv2dPaddedWithBias() {
        GradientCheckTest.check(new Conv2d("conv", 0, 4, 3, 3, 1, 1, 1, 1, true), new Shape(3, 5, 6), 2, 11, false);
    }

    /** Stride 1 and 18 taps take the direct forward: a rectangular kernel, padding on one axis. */
    @Test
    void conv2dDirectRectangularKernelUnevenPadding() {
        GradientCheckTest.check(new Conv2d("conv", 0, 5, 2, 3, 1, 1, 0, 1, true), new Shape(3, 4, 7), 3, 14, false);
    }

    /** Padding as large as the kernel, on the lowering (4 taps); its direct form is checked in ConvKernelsTest. */
    @Test
    void conv2dPaddingAsLargeAsTheKernel() {
        GradientCheckTest.check(new Conv2d("conv", 0, 3, 1, 2, 1, 1, 1, 2, true), new Shape(2, 3, 4), 2, 15, false);
    }

    @Test
    void conv2dStrideTwoRectangularKernelOneImage() {
        GradientCheckTest.check(new Conv2d("conv", 2, 3, 2, 3, 2, 2, 1, 2, false), new Shape(2, 7, 5), 1, 12, false);
    }

    @Test
    void maxPool() {
        GradientCheckTest.check(new Pool2d("pool", true, 2, 2, 0, 0), new Shape(3, 5, 4), 2, 13, false, true);
    }

    @Test
    void maxPoolOverlappingWindows() {
        GradientCheckTest.check(new Pool2d("pool", true, 3, 2, 1, 2), new Shape(2, 5, 5), 2, 14, false, true);
    }

    @Test
    void avgPoolAndGlobalAvgPool() {
        GradientCheckTest.check(new Pool2d("pool", false, 2, 3, 1, 2), new Shape(3, 4, 7), 2, 15, false);
        Pool2d global = new Pool2d("gap", false, 0, 0, 0, 0);
        GradientCheckTest.check(global, new Shape(5, 3, 3), 3, 16, false);
        assertEquals(new Shape(5, 1, 1), global.outputShape());
    }

    @Test
    void batchNormOverChannels() {
        BatchNorm bn = new BatchNorm("bn", 0, 1e-5f, 0.1f);
        GradientCheckTest.check(bn, new Shape(3, 4, 5), 2, 17, false);
    }

    @Test
    void batchNormOverFeatures() {
        GradientCheckTest.check(new BatchNorm("bn", 7, 1e-5f, 0.1f), new Shape(7), 5, 18, false);
    }

    @Test
    void batchNormWithFusedRelu() {
        GradientCheckTest.check(new FusedBnRelu(), new Shape(2, 3, 3), 3, 19, false);
    }

    /** Batch norm running the ReLU fused as the workspace plans it. */
    private static final class FusedBnRelu extends Layer {
        final BatchNorm bn = new BatchNorm("bn", 0, 1e-5f, 0.1f);

        FusedBnRelu() {
            super("bnrelu");
        }

        @Override
        public String type() {
            return "batch_norm";
        }

        @Override
        protected Shape infer(Shape input) {
            return bn.bind(input);
        }

        @Override
        public java.util.List<Parameter> parameters() {
            return bn.parameters();
        }

        @Override
        public void initialize(Rng rng) {
            bn.initialize(rng);
            float[] w = bn.weight().data(), b = bn.bias().data();
            for (int i = 0; i < w.length; i++) {
                w[i] = 0.5f + 0.25f * i;
                b[i] = 0.3f - 0.2f * i;
            }
        }

        @Override
        public void forward(Context ctx, float[] x, float[] y, float[] scratch, int n, boolean training) {
            bn.forward(ctx, x, y, n, training, true);
        }

        @Override
        public void backward(Context ctx, float[] x, float[] y, float[] dy, float[] dx, float[] scratch, int n) {
            bn.backward(ctx, x, y, dy, dx, n, true);
        }
    }

    @Test
    void batchNormRunningStatisticsFollowPyTorch() {
        BatchNorm bn = new BatchNorm("bn1", 0, 1e-5f, 0.1f);
        bn.bind(new Shape(1, 1, 2));
        bn.initialize(new Rng(0));
        float[] x = {1, 3, 5, 7}; // two images of [1, 1, 2]: mean 4, biased var 5, unbiased 20/3
        float[] y = new float[4];
        bn.forward(CTX, x, y, null, 2, true);
        assertEquals(0.4f, bn.runningMean().data()[0], 1e-6f);
        assertEquals(0.9f * 1f + 0.1f * 20f / 3f, bn.runningVar().data()[0], 1e-6f);
        assertEquals(1, bn.numBatchesTracked().count());
        float s = (float) (1 / Math.sqrt(5 + 1e-5));
        assertArrayEquals(new float[] {-3 * s, -s, s, 3 * s}, y, 1e-6f);
        // Evaluation: running statistics, and nothing moves.
        bn.forward(CTX, x, y, null, 2, false);
        float e = (float) (1 / Math.sqrt(bn.runningVar().data()[0] + 1e-5));
        assertEquals((1 - 0.4f) * e, y[0], 1e-6f);
        assertEquals(1, bn.numBatchesTracked().count());
        assertEquals(0.4f, bn.runningMean().data()[0], 1e-6f);
    }

    @Test
    void shapesAndLocatedErrors() {
        assertEquals(new Shape(32, 28, 28), new Conv2d("conv1", 0, 32, 3, 3, 1, 1, 1, 1, false).bind(new Shape(1, 28, 28)));
        assertEquals(new Shape(8, 4, 3), new Conv2d("c", 0, 8, 3, 2, 2, 3, 0, 1, true).bind(new Shape(2, 9, 8)));
        assertEquals(new Shape(32, 14, 14), new Pool2d("pool1", true, 2, 2, 0, 0).bind(new Shape(32, 28, 28)));
        assertEquals(new Shape(64, 3, 3), new Pool2d("p", true, 3, 3, 2, 2).bind(new Shape(64, 7, 7)));

        FashionException big = assertThrows(FashionException.class,
                () -> new Conv2d("conv1", 0, 4, 5, 5, 1, 1, 1, 1, true).bind(new Shape(1, 2, 2)));
        assertEquals("layer conv1 (conv2d): kernel [5, 5] is larger than the padded input [4, 4] (input [N, 1, 2, 2], padding [1, 1])",
                big.getMessage());
        FashionException flat = assertThrows(FashionException.class,
                () -> new Conv2d("conv1", 0, 4, 3, 3, 1, 1, 0, 0, true).bind(new Shape(784)));
        assertEquals("layer conv1 (conv2d): expects input [N, C, H, W], got [N, 784]", flat.getMessage());
        FashionException channels = assertThrows(FashionException.class,
                () -> new Conv2d("conv2", 16, 4, 3, 3, 1, 1, 0, 0, true).bind(new Shape(32, 14, 14)));
        assertEquals("layer conv2 (conv2d): expects input [N, 16, H, W] (in: 16), got [N, 32, 14, 14]", channels.getMessage());
        FashionException bnChannels = assertThrows(FashionException.class,
                () -> new BatchNorm("bn2", 64, 1e-5f, 0.1f).bind(new Shape(32, 14, 14)));
        assertEquals("layer bn2 (batch_norm): expects input [N, 64, H, W] (in: 64), got [N, 32, 14, 14]", bnChannels.getMessage());
        FashionException pool = assertThrows(FashionException.class,
                () -> new Pool2d("pool2", true, 3, 3, 0, 0).bind(new Shape(8, 2, 2)));
        assertEquals("layer pool2 (max_pool): kernel [3, 3] is larger than the input [N, 8, 2, 2]", pool.getMessage());
        FashionException huge = assertThrows(FashionException.class,
                () -> new Conv2d("conv1", 0, 1 << 20, 3, 3, 1, 1, 1, 1, true).bind(new Shape(1, 28, 28)));
        assertEquals("layer conv1 (conv2d): 9,437,184 weights and 822,083,584 outputs per image, more than the limit of 134,217,728",
                huge.getMessage());
    }

    @Test
    void conv2dGroupsGiveTheSameOutputBitsAsOneImageAtATime() {
        // A batch larger than one group: the forward is one FMA chain per output whatever the grouping, and
        // the weight gradient sums the groups' partials.
        Conv2d a = new Conv2d("c", 0, 64, 3, 3, 1, 1, 1, 1, true);
        a.bind(new Shape(32, 14, 14));
        a.initialize(new Rng(3));
        int chunk = a.group(1000);
        int n = chunk + 3;
        float[] x = new float[n * 32 * 196];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] y = new float[n * 64 * 196], dy = new float[y.length], dx = new float[x.length];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextGaussian();
        a.forward(CTX, x, y, null, n, true);
        a.backward(CTX, x, y, dy, dx, null, n);
        float[] dw = a.weight().grad().clone();
        // The same images one at a time give the same bits (each output is one FMA chain over the patch).
        float[] y1 = new float[64 * 196];
        float[] x1 = new float[32 * 196];
        for (int i = 0; i < n; i += chunk) {
            System.arraycopy(x, i * x1.length, x1, 0, x1.length);
            a.forward(CTX, x1, y1, null, 1, false);
            for (int j = 0; j < y1.length; j++) assertEquals(y[i * y1.length + j], y1[j], 0f, "y of image " + i);
        }
        // dW over both groups against a direct sum in double, for a few weights.
        for (int o : new int[] {0, 37, 63}) {
            for (int c : new int[] {0, 31}) {
                double ref = 0;
                for (int i = 0; i < n; i++) {
                    for (int oy = 0; oy < 14; oy++) {
                        for (int ox = 0; ox < 14; ox++) {
                            int iy = oy - 1, ix = ox + 1; // kernel tap u = 0, v = 2
                            if (iy < 0 || ix >= 14) continue;
                            ref += (double) dy[(i * 64 + o) * 196 + oy * 14 + ox] * x[(i * 32 + c) * 196 + iy * 14 + ix];
                        }
                    }
                }
                assertEquals(ref, dw[(o * 32 + c) * 9 + 2], 1e-3 * Math.max(1, Math.abs(ref)), "dW[" + o + ", " + c + ", 0, 2]");
            }
        }
    }

    @Test
    void imageGroupsFixTheBitsForAnyKernelOrThreadCount() {
        // Groups of 8 (11 = 8 + 3), 4 (4 + 4 + 3: a short last group) and 1 image, on the scalar and vector
        // kernels and 1, 2 and 3 threads (3 threads split 3 groups one each, 2 threads unevenly). The forward
        // output and the input and bias gradients never depend on the grouping; the weight gradient is the
        // groups' partial sums added in group order, so it depends on the group size only, never on the
        // kernels or the thread count.
        int n = 11;
        java.util.Random r = new java.util.Random(9);
        float[] x = new float[n * 5 * 7 * 9];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] dy = new float[n * 6 * 7 * 9];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextGaussian();
        float[][] expected = null;
        java.util.Map<Integer, float[]> weightGradients = new java.util.HashMap<>();
        for (String kernels : new String[] {"scalar", "vector"}) {
            for (int threads : new int[] {1, 2, 3}) {
                try (Scheduler scheduler = new Scheduler(threads)) {
                    Layer.Context ctx = new Layer.Context(new ParallelKernels(
                            dev.fashion.kernels.KernelProvider.choose(kernels).kernels(), scheduler), new Rng(1));
                    for (int images : new int[] {8, 1, 4}) {
                        Conv2d c = new Conv2d("c", 0, 6, 3, 3, 1, 1, 1, 1, true);
                        c.bind(new Shape(5, 7, 9));
                        c.initialize(new Rng(3));
                        c.groupValues((images + 1) * 45 * 63 - 1); // patch 45 x 63 positions per image, rounded down
                        assertEquals(images, c.group(n));
                        float[] y = new float[dy.length], dx = new float[x.length];
                        c.forward(ctx, x, y, null, n, true);
                        c.backward(ctx, x, y, dy, dx, null, n);
                        String where = kernels + ", " + threads + " threads, " + images + " images per group";
                        float[] dw = c.weight().grad().clone(), first = weightGradients.putIfAbsent(images, dw);
                        if (first != null) assertArrayEquals(first, dw, 0f, "dW: " + where);
                        float[][] got = {y, dx, c.bias().grad(), dw};
                        if (expected == null) {
                            expected = got;
                            continue;
                        }
                        assertArrayEquals(expected[0], got[0], 0f, "y: " + where);
                        assertArrayEquals(expected[1], got[1], 0f, "dx: " + where);
                        assertArrayEquals(expected[2], got[2], 0f, "db: " + where);
                        // Other groupings only reorder the same sum.
                        for (int i = 0; i < dw.length; i++) {
                            assertEquals(expected[3][i], dw[i], 1e-4f * (1 + Math.abs(dw[i])), "dW[" + i + "]: " + where);
                        }
                    }
                }
            }
        }
        assertNotEquals(java.util.Arrays.toString(weightGradients.get(1)), java.util.Arrays.toString(weightGradients.get(8)),
                "the grouping is expected to show in the weight gradient's last bits");
    }
}
