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

    static final VectorSpecies<Float> FLOATS;
    /** Why the requested species cannot be used, or null. */
    static final String PROBLEM;

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
        FLOATS = chosen;
        PROBLEM = problem;
    }

    private VectorShapes() {
    }
}
