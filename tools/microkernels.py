# Generates the micro-kernels tile82, tile62 and tile43 of dev.fashion.kernels.vector.VectorKernels:
# python3 tools/microkernels.py, then paste the output over the old bodies.
import sys
def tile(mr, nv):
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
    out.append(f"    private static void tile{mr}{nv}(float[] x, {os_},")
    out.append(f"                               float[] panel, int po, int kc, float[] c, int co, int ldc, boolean load) {{")
    out.append(f"        FloatVector {', '.join(acc)};")
    out.append(f"        if (load) {{")
    for i in rows:
        for v in vecs:
            out.append(f"            c{i}{v} = FloatVector.fromArray(S, c, {off(i, v)});")
    out.append(f"        }} else {{")
    out.append(f"            {' = '.join(acc)} = FloatVector.zero(S);")
    out.append(f"        }}")
    out.append(f"        for (int p = 0; p < kc; p++) {{")
    out.append(f"            int q = po + p * NR;")
    for v in vecs:
        out.append(f"            FloatVector b{v} = FloatVector.fromArray(S, panel, {voff('q', v)});")
    for i in rows:
        out.append(f"            {'FloatVector ' if i == 0 else ''}av = FloatVector.broadcast(S, x[o{i} + p]);")
        for v in vecs:
            out.append(f"            c{i}{v} = av.fma(b{v}, c{i}{v});")
    out.append(f"        }}")
    for i in rows:
        for v in vecs:
            out.append(f"        c{i}{v}.intoArray(c, {off(i, v)});")
    out.append(f"    }}")
    return "\n".join(out)
print("\n\n".join(tile(m, n) for m, n in [(8, 2), (6, 2), (4, 3)]))
