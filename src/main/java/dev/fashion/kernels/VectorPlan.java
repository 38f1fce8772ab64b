package dev.fashion.kernels;

/**
 * The vector width and matmul register tile for a CPU, and why: decided here, in plain Java, so it can be
 * tested for every CPU class without that hardware; the vector package applies it. Results do not depend on
 * the choice (every width and tile computes the same bits, see README "Reproducible"), only speed does.
 *
 * <p>The classes:
 * <ul>
 *   <li>Intel with AVX-512: 512 bits, tile 8x2 (16 accumulators of 32 registers; 512-bit FMA units).
 *   <li>AMD Zen 5 (family 26) with AVX-512: 512 bits, tile 8x2. EPYC Zen 5 has 512-bit datapaths.
 *   <li>AMD Zen 4 (family 25) with AVX-512: 512 bits, tile 8x2, as on Intel. Zen 4 runs a 512-bit
 *       operation as two 256-bit halves, so 512-bit vectors add no FMA throughput on paper; measured, they
 *       win anyway (half the instructions to decode and issue, half the loop trips): on an EPYC Zen 4, one
 *       thread, the MLP's training step at batch 64 took 0.87-0.93 ms against 1.01-1.04 with 256-bit
 *       vectors (JDK 17; 0.84-0.87 against 0.97-1.01 on JDK 25), 3.08-3.24 against 3.67-3.89 ms at batch
 *       256, every phase faster including Adam; the CNN's convolutions 33 against 38 ms per batch of 128.
 *       (256 bits was this class's default before, chosen by that reasoning without a Zen 4 to measure.)
 *   <li>AVX2 without AVX-512 (Intel or AMD Zen 1-3): 256 bits, 16 registers: tile 6x2 on JDK 21+, 4x3 on 17
 *       (8x2 spills; see VectorKernels for the numbers).
 *   <li>Anything else (ARM, unknown): the JVM's preferred width, tile by register count as for AVX2.
 * </ul>
 * {@value #BITS_PROPERTY} and {@value #TILE_PROPERTY} override the width and tile.
 */
public record VectorPlan(int bits, String tile, String reason) {

    /** Asks for a width (64, 128, 256 or 512); it can never exceed the hardware's preferred one. */
    public static final String BITS_PROPERTY = "fashion.vector.bits";
    /** Asks for a register tile: 8x2, 6x2 or 4x3. */
    public static final String TILE_PROPERTY = "fashion.vector.tile";

    /**
     * The plan for {@code cpu}, on a JVM whose preferred float species has {@code preferredBits}, JDK feature
     * release {@code jdk}, with the user's overrides ({@code null} or blank: none). A bad override is an
     * {@link IllegalArgumentException} naming the property.
     */
    public static VectorPlan choose(CpuInfo cpu, String arch, int preferredBits, int jdk, String bitsOverride,
                                    String tileOverride) {
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        int bits = preferredBits;
        String tile;
        String why;
        if (x86 && preferredBits >= 512) {
            tile = "8x2";
            why = (cpu.isIntel() ? "Intel AVX-512"
                    : cpu.isAmd() && cpu.family() == 25 ? "AMD Zen 4 AVX-512 (256-bit datapaths, yet 512-bit vectors measured faster)"
                    : cpu.isAmd() ? "AMD AVX-512 (Zen 5 or later: 512-bit datapaths)"
                    : "AVX-512") + ": 512-bit vectors, 32 registers";
        } else if (preferredBits >= 512) {
            tile = "8x2";
            why = "512-bit vectors, 32 registers";
        } else {
            tile = jdk >= 21 ? "6x2" : "4x3";
            why = (x86 && cpu.has("avx2") ? "AVX2 (no AVX-512)" : preferredBits + "-bit vectors")
                    + ": 16 registers, " + tile + " on JDK " + (jdk >= 21 ? "21+" : jdk);
        }
        if (bitsOverride != null && !bitsOverride.isBlank()) {
            int asked = switch (bitsOverride.trim()) {
                case "64" -> 64;
                case "128" -> 128;
                case "256" -> 256;
                case "512" -> 512;
                default -> throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + bitsOverride
                        + ": expected 64, 128, 256 or 512");
            };
            if (asked > preferredBits) {
                why += "; -D" + BITS_PROPERTY + "=" + asked + " ignored: the hardware's widest is " + preferredBits;
            } else {
                bits = asked;
                why += "; " + asked + "-bit vectors set by -D" + BITS_PROPERTY;
            }
        }
        if (tileOverride != null && !tileOverride.isBlank()) {
            String t = tileOverride.trim();
            if (!t.equals("8x2") && !t.equals("6x2") && !t.equals("4x3")) {
                throw new IllegalArgumentException("-D" + TILE_PROPERTY + "=" + tileOverride + ": expected 8x2, 6x2 or 4x3");
            }
            tile = t;
            why += "; tile " + t + " set by -D" + TILE_PROPERTY;
        }
        return new VectorPlan(bits, tile, why);
    }

    /** The plan for this machine and JVM, with the system properties' overrides. */
    public static VectorPlan forThisMachine(int preferredBits) {
        return choose(CpuInfo.current(), System.getProperty("os.arch", ""), preferredBits, Runtime.version().feature(),
                System.getProperty(BITS_PROPERTY), System.getProperty(TILE_PROPERTY));
    }
}
