# Generates the micro-kernels of dev.fashion.kernels.vector.VectorKernels: tile82, tile62 and tile43 read
# the tile's rows of X in place (row i at x[oi + p]); packed82, packed62 and packed43 read them packed
# row-interleaved (X(i, p) at x[xo + p * MR + i]), one index for all rows; gathered82, gathered62 and
# gathered43 read B's row p in place at b[rows[p] + j] (no panel: matmulRows, a stride-1 convolution
# straight from its padded input planes) and always start from zero.
# python3 tools/microkernels.py, then paste the output over the old bodies.
#
# One k step per trip, on purpose. Unrolling the 8x2 tile two steps deep (a counted loop, odd kc sent to a
# one-step kernel) took the kernel alone from 125 to 161 GFLOP/s on JDK 17 and 129 to 152 on JDK 25, but
# inside training JDK 17's C2 now and then compiled it to box every FMA's result (warm-up never stopped
# allocating, steps 5x slower: 3 JVM runs in about 50), against none in 60 runs for the one-step kernel;
# and through the real driver, at the reference shapes, it gained only 3-17%. With a remainder loop after
# the unrolled one it failed the same way. At 4 steps C2 hoisted all eight panel loads and spilled
# accumulators. If you try again: keep the loop test on p itself (p < kc); with "p + 4 <= kc" C2 did not
# see a counted loop and every load kept its bounds check.


def tile(mr, nv, packed=False, gathered=False):
    rows = range(mr); vecs = range(nv)
    acc = [f"c{i}{v}" for i in rows for v in vecs]

    def off(i, v):
        parts = []
        if i == 1: parts.append("ldc")
        elif i > 1: parts.append(f"{i} * ldc")
        if v == 1: parts.append("L")
        elif v > 1: parts.append(f"{v} * L")
        return "co" + "".join(" + " + p for p in parts)

    def voff(base, v):
        return base if v == 0 else (f"{base} + L" if v == 1 else f"{base} + {v} * L")

    name = ("packed" if packed else "gathered" if gathered else "tile") + f"{mr}{nv}"
    first = "int xo" if packed else ", ".join(f"int o{i}" for i in rows)
    rest = ("float[] b, int[] rows, int j, float[] c, int co, int ldc" if gathered
            else "float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load")
    out = [f"    private static void {name}(float[] x, {first},",
           f"{' ' * (len(name) + 25)}{rest}) {{"]
    out.append(f"        FloatVector {', '.join(acc)};")
    if gathered:
        out.append(f"        {' = '.join(acc)} = FloatVector.zero(S);")
    else:
        out.append(f"        if (load) {{")
        for i in rows:
            for v in vecs:
                out.append(f"            c{i}{v} = FloatVector.fromArray(S, c, {off(i, v)});")
        out.append(f"        }} else {{")
        out.append(f"            {' = '.join(acc)} = FloatVector.zero(S);")
        out.append(f"        }}")
    # One k step: NV panel loads, then per row one broadcast and NV FMAs (k order kept per element).
    out.append(f"        for (int p = 0; p < {'rows.length' if gathered else 'kc'}; p++) {{")
    out.append(f"            int q = {'rows[p] + j' if gathered else 'po + p * NR'};")
    if packed:
        out.append(f"            int a = xo + p * {mr};")
    for v in vecs:
        out.append(f"            FloatVector b{v} = FloatVector.fromArray(S, {'b' if gathered else 'panel'}, {voff('q', v)});")
    for i in rows:
        xi = (f"x[a + {i}]" if i else "x[a]") if packed else f"x[o{i} + p]"
        out.append(f"            {'FloatVector ' if i == 0 else ''}av = FloatVector.broadcast(S, {xi});")
        for v in vecs:
            out.append(f"            c{i}{v} = av.fma(b{v}, c{i}{v});")
    out.append(f"        }}")
    for i in rows:
        for v in vecs:
            out.append(f"        c{i}{v}.intoArray(c, {off(i, v)});")
    out.append(f"    }}")
    return "\n".join(out)


shapes = [(8, 2), (6, 2), (4, 3)]
print("\n\n".join([tile(m, n) for m, n in shapes] + [tile(m, n, True) for m, n in shapes]
                  + [tile(m, n, gathered=True) for m, n in shapes]))
