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

    // ---- the shifted-planes form (stride 1, outputs as wide as the input): see ConvKernels#shiftedPlanes --

    /**
     * Whether the shifted-planes form applies: stride 1 and ow = w (2·pw = kw - 1, "same" width), so the
     * columns of one tap over an image's positions, in position order, are one contiguous run of the
     * input plane shifted by the tap's column offset and padded by ph rows above and below.
     */
    public boolean shifted() {
        return direct() && ow() == w;
    }

    /** Values of one image's shifted planes: c·kw planes of h + 2·ph rows of w. */
    public int shiftedSize() {
        return c * kw * (h + 2 * ph) * w;
    }

    /**
     * Where each column-matrix row starts in the shifted planes: row (ci·kh + u)·kw + v, im2col's order, at
     * ((ci·kw + v)·(h + 2·ph) + u)·w. Column q of that row (q &lt; positions) is then planes[offset + q].
     */
    public int[] shiftedOffsets() {
        if (!shifted()) throw new IllegalStateException("the shifted-planes form needs stride 1 and ow = w");
        int hp = h + 2 * ph;
        int[] rows = new int[patch()];
        for (int ci = 0; ci < c; ci++) {
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) rows[(ci * kh + u) * kw + v] = ((ci * kw + v) * hp + u) * w;
            }
        }
        return rows;
    }
}
