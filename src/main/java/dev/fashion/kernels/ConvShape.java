package dev.fashion.kernels;

/**
 * The geometry of one 2-d convolution or pooling window over an NCHW batch: input {@code [c, h, w]} per
 * image, a {@code kh x kw} window moved by {@code sh, sw} over the input padded with {@code ph, pw} zeros on
 * every edge, giving {@code [oh, ow]} output positions. Built once per layer, checked by the layer.
 */
public record ConvShape(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {

    public int oh() {
        return (h + 2 * ph - kh) / sh + 1;
    }

    public int ow() {
        return (w + 2 * pw - kw) / sw + 1;
    }

    /** Input values per image. */
    public int inSize() {
        return c * h * w;
    }

    /** Output positions per image (oh·ow). */
    public int positions() {
        return oh() * ow();
    }

    /** Rows of the column matrix: one per (channel, kernel row, kernel column), c·kh·kw. */
    public int patch() {
        return c * kh * kw;
    }
}
