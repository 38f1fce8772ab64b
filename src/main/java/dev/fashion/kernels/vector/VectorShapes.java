package dev.fashion.kernels.vector;

import dev.fashion.kernels.CpuInfo;
import dev.fashion.kernels.VectorPlan;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every vector kernel uses, fixed once per JVM. It must be {@code static final}: C2
 * only compiles Vector API code well when the species is a constant (a non-final static halved
 * throughput). The width and register tile come from {@link VectorPlan} for this CPU; system property
 * {@value #BITS_PROPERTY} (64, 128, 256 or 512) asks for a narrower species than the hardware's preferred
 * one (tests run the narrow paths on wide hardware so), never a wider one.
 */
final class VectorShapes {

    static final String BITS_PROPERTY = VectorPlan.BITS_PROPERTY;
    /** Forces the matmul register tile (8x2, 6x2 or 4x3) instead of the CPU's; for tests and experiments. */
    static final String TILE_PROPERTY = VectorPlan.TILE_PROPERTY;

    static final VectorSpecies<Float> FLOATS;
    /**
     * Whether transposes may use gathers (a vector loaded from lanes a fixed stride apart): on x86 with
     * 256-bit vectors or wider, AVX2 and AVX-512 have gather instructions and JDK 17's C2 compiles the
     * Vector API's indexed loads to them. Elsewhere (ARM, or narrower species) JDK 17 may run them as
     * Java code, which allocates, so the kernels copy element by element instead.
     */
    static final boolean GATHERS;
    /** Why the requested species cannot be used, or null. */
    static final String PROBLEM;
    /** The matmul register tile as rows * 10 + vectors (82, 62, 43). */
    static final int TILE;
    /** The width and tile chosen for this CPU, and why (see {@link VectorPlan}). */
    static final VectorPlan PLAN;

    static {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        VectorPlan plan;
        String problem = null;
        try {
            plan = VectorPlan.forThisMachine(preferred.vectorBitSize());
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
            plan = VectorPlan.choose(CpuInfo.current(), System.getProperty("os.arch", ""), preferred.vectorBitSize(),
                    Runtime.version().feature(), null, null);
        }
        VectorSpecies<Float> chosen = switch (plan.bits()) {
            case 64 -> FloatVector.SPECIES_64;
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> preferred;
        };
        if (chosen.vectorBitSize() > preferred.vectorBitSize()) chosen = preferred;
        TILE = switch (plan.tile()) {
            case "8x2" -> 82;
            case "6x2" -> 62;
            default -> 43;
        };
        FLOATS = chosen;
        PLAN = plan;
        PROBLEM = problem;
        String arch = System.getProperty("os.arch", "");
        GATHERS = (arch.equals("amd64") || arch.equals("x86_64")) && chosen.vectorBitSize() >= 256;
    }

    private VectorShapes() {
    }
}
