# Generates the micro-kernels of dev.fashion.kernels.vector.VectorKernels: tile82, tile62 and tile43 read
# the tile's rows of X in place (row i at x[oi + p]); packed82, packed62 and packed43 read them packed
# row-interleaved (X(i, p) at x[xo + p * MR + i]), one index for all rows.
# python3 tools/microkernels.py, then paste the output over the old bodies.
import sys
def tile(mr, nv, unroll, packed=False):
    rows = range(mr); vecs = range(nv)
    acc = [f"c{i}{v}" for i in rows for v in vecs]
    os_ = ", ".join(f"int o{i}" for i in rows)
    def off(i, v):
        parts = []
        if i == 1: parts.append("ldc")
        elif i > 1: parts.append(f"{i} * ldc")
        if v == 1: parts.append("L")
        elif v > 1: parts.append(f"{v} * L")
        return "co" + "".join(" + " + p for p in parts)
    def voff(base, v):
        return base if v == 0 else (f"{base} + L" if v == 1 else f"{base} + {v} * L")
    out = []
    name = ("packed" if packed else "tile") + f"{mr}{nv}"
    if unroll > 1:
        out.append(f"    /** kc must be a multiple of {unroll}. */")
    if packed:
        out.append(f"    private static void {name}(float[] x, int xo,")
    else:
        out.append(f"    private static void {name}(float[] x, {os_},")
    out.append(f"                               float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {{")
    out.append(f"        FloatVector {', '.join(acc)};")
    out.append(f"        if (load) {{")
    for i in rows:
        for v in vecs:
            out.append(f"            c{i}{v} = FloatVector.fromArray(S, c, {off(i, v)});")
    out.append(f"        }} else {{")
    out.append(f"            {' = '.join(acc)} = FloatVector.zero(S);")
    out.append(f"        }}")
    def step(u, indent):
        # One k step: NV panel loads, then per row one broadcast and NV FMAs (k order kept per element).
        pu = "p" if u == 0 else f"p + {u}"
        qu = "q" if u == 0 else f"q + {u} * NR"
        lines = []
        if packed:
            au = "a" if u == 0 else f"a + {u * mr}"
        for v in vecs:
            lines.append(f"FloatVector b{v}{u} = FloatVector.fromArray(S, panel, {voff(qu, v)});")
        for i in rows:
            xi = (f"x[{au} + {i}]" if i else f"x[{au}]") if packed else f"x[o{i} + {pu}]"
            lines.append(f"{'FloatVector ' if i == 0 and u == 0 else ''}av = FloatVector.broadcast(S, {xi});")
            for v in vecs:
                lines.append(f"c{i}{v} = av.fma(b{v}{u}, c{i}{v});")
        return [indent + l for l in lines]
    # One loop, nothing after it but the stores: with a second (remainder) loop, JDK 17's C2 sometimes
    # failed to unbox the accumulators between the loops and boxed every vector on every step (training
    # 5x slower, in about one JVM run of five). So an unrolled kernel takes whole trips only.
    # Unrolled, the row offsets, the panel index and the loop test are paid once per {unroll} steps:
    # each x[oi + p + u] and panel[q + u * NR] is then a constant displacement from one register.
    # The test is on p itself (p < kc), so C2 sees a counted loop and hoists the range checks
    # (with "p + 4 <= kc" it did not, and every load kept its bounds check).
    out.append(f"        for (int p = 0; p < kc; {'p++' if unroll == 1 else f'p += {unroll}'}) {{")
    out.append(f"            int q = po + p * NR;")
    if packed: out.append(f"            int a = xo + p * {mr};")
    for u in range(unroll):
        out.extend(step(u, "            "))
    out.append(f"        }}")
    for i in rows:
        for v in vecs:
            out.append(f"        c{i}{v}.intoArray(c, {off(i, v)});")
    out.append(f"    }}")
    return "\n".join(out)
# Unroll factors: all 1. Unrolling the 8x2 tile two k steps deep (in a counted loop, odd kc sent to a
# one-step kernel) took the kernel alone from 125 to 161 GFLOP/s on JDK 17 and 129 to 152 on JDK 25, but
# inside training JDK 17's C2 now and then compiled it to box every FMA's result (warm-up never stopped
# allocating, steps 5x slower: 3 JVM runs in about 50), against none in 60 runs for the one-step kernel;
# and through the real driver, at the reference shapes, it gained only 3-17%. At 4, C2 hoisted all eight
# panel loads and spilled accumulators.
shapes = [(8, 2, 1), (6, 2, 1), (4, 3, 1)]
print("\n\n".join([tile(m, n, u) for m, n, u in shapes] + [tile(m, n, u, True) for m, n, u in shapes]))
