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
    // ---- the direct (stride-1) form: see Kernels#matmulRows and ConvKernels#padImage ----------------------

    /** Width of a zero-padded input plane, w + 2·pw. */
    public int paddedWidth() {
        return w + 2 * pw;
    }

    /** Values of one image's zero-padded planes, c·(h + 2·ph)·(w + 2·pw). */
    public int paddedSize() {
        return c * (h + 2 * ph) * paddedWidth();
    }

    /**
     * Whether the direct form applies: stride 1, so output (oy, ox) with tap (u, v) reads padded plane
     * position (oy + u, ox + v), and the outputs of a row are consecutive.
     */
    public boolean direct() {
        return sh == 1 && sw == 1;
    }

    /**
     * Columns of the direct form's product: oh rows of the padded width. Column oy·wp + ox is output (oy,
     * ox) for ox &lt; ow; the wp - ow columns after each row are computed and dropped (2 of 16 for conv2).
     */
    public int directColumns() {
        return oh() * paddedWidth();
    }

    /**
     * Where each row of the column matrix starts in the padded planes (stride 1): row (ci·kh + u)·kw + v,
     * im2col's order, at ci·hp·wp + u·wp + v. Column j of that row is then planes[offset + j].
     */
    public int[] tapOffsets() {
        if (!direct()) throw new IllegalStateException("the direct form needs stride 1, not [" + sh + ", " + sw + "]");
        int wp = paddedWidth(), plane = (h + 2 * ph) * wp;
        int[] rows = new int[patch()];
        for (int ci = 0; ci < c; ci++) {
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) rows[(ci * kh + u) * kw + v] = ci * plane + u * wp + v;
            }
        }
        return rows;
    }
}
