package dev.fashion.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every vector kernel uses, fixed once per JVM. It must be {@code static final}: C2
 * only compiles Vector API code well when the species is a constant (a non-final static halved
 * throughput). System property {@value #BITS_PROPERTY} (64, 128, 256 or 512) asks for a narrower species
 * than the hardware's preferred one, so tests can run the narrow paths on wide hardware; it can never
 * make vectors wider than the hardware's.
 */
final class VectorShapes {

    static final String BITS_PROPERTY = "fashion.vector.bits";
    /** Forces the matmul register tile (8x2, 6x2 or 4x3) instead of the measured default; for tests. */
    static final String TILE_PROPERTY = "fashion.vector.tile";

    static final VectorSpecies<Float> FLOATS;
    /**
     * Whether the hardware has 32 vector registers (x86 exposes 512-bit vectors only with AVX-512, which
     * has 32; AVX2 has 16). Decides the matmul register tile, whatever species was asked for.
     */
    static final boolean THIRTY_TWO_REGISTERS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    /**
     * Whether transposes may use gathers (a vector loaded from lanes a fixed stride apart): on x86 with
     * 256-bit vectors or wider, AVX2 and AVX-512 have gather instructions and JDK 17's C2 compiles the
     * Vector API's indexed loads to them. Elsewhere (ARM, or narrower species) JDK 17 may run them as
     * Java code, which allocates, so the kernels copy element by element instead.
     */
    static final boolean GATHERS;
    /** Why the requested species cannot be used, or null. */
    static final String PROBLEM;
    /** The forced tile as rows * 10 + vectors (82, 62, 43), or 0 for the default. */
    static final int TILE;

    static {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        VectorSpecies<Float> chosen = preferred;
        String problem = null;
        String bits = System.getProperty(BITS_PROPERTY);
        if (bits != null && !bits.isBlank()) {
            VectorSpecies<Float> asked = switch (bits.trim()) {
                case "64" -> FloatVector.SPECIES_64;
                case "128" -> FloatVector.SPECIES_128;
                case "256" -> FloatVector.SPECIES_256;
                case "512" -> FloatVector.SPECIES_512;
                default -> null;
            };
            if (asked == null) {
                problem = "-D" + BITS_PROPERTY + "=" + bits + ": expected 128, 256 or 512";
            } else if (asked.vectorBitSize() < preferred.vectorBitSize()) {
                chosen = asked;
            }
        }
        String tile = System.getProperty(TILE_PROPERTY, "").trim();
        TILE = switch (tile) {
            case "8x2" -> 82;
            case "6x2" -> 62;
            case "4x3" -> 43;
            default -> 0;
        };
        if (TILE == 0 && !tile.isEmpty()) problem = "-D" + TILE_PROPERTY + "=" + tile + ": expected 8x2, 6x2 or 4x3";
        FLOATS = chosen;
        PROBLEM = problem;
        String arch = System.getProperty("os.arch", "");
        GATHERS = (arch.equals("amd64") || arch.equals("x86_64")) && chosen.vectorBitSize() >= 256;
    }

    private VectorShapes() {
    }
}
