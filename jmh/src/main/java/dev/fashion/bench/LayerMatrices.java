package dev.fashion.bench;

/**
 * The matrices of one linear layer for a {@code BATCHxINxOUT} shape: inputs X, W, dY (random, fixed
 * seeds) and a separate output for each form, so every invocation does the same work.
 */
final class LayerMatrices {
    final int batch;
    final int in;
    final int out;
    final float[] x;
    final float[] w;
    final float[] dy;
    final float[] y;
    final float[] dx;
    final float[] dw;

    LayerMatrices(String shape) {
        int[] d = Inputs.dims(shape, 3);
        batch = d[0];
        in = d[1];
        out = d[2];
        x = Inputs.gaussian(batch * in, 1);
        w = Inputs.gaussian(out * in, 2);
        dy = Inputs.gaussian(batch * out, 3);
        y = new float[batch * out];
        dx = new float[batch * in];
        dw = new float[out * in];
    }
}
