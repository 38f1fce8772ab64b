package dev.fashion.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The width and tile each CPU class gets, from /proc/cpuinfo text as those machines print it. */
class VectorPlanTest {

    static CpuInfo cpu(String vendor, int family, int model, String name, String flags) {
        return CpuInfo.parse("processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: "
                + model + "\nmodel name\t: " + name + "\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nvendor_id\t: other\n");
    }

    static final String AVX512 = "fpu sse sse2 fma avx avx2 avx512f avx512dq avx512bw avx512vl";
    static final CpuInfo ZEN4 = cpu("AuthenticAMD", 25, 17, "AMD EPYC 9354 32-Core Processor", AVX512);
    static final CpuInfo ZEN5 = cpu("AuthenticAMD", 26, 2, "AMD EPYC", AVX512 + " avx512_vp2intersect");
    static final CpuInfo ZEN3 = cpu("AuthenticAMD", 25, 1, "AMD EPYC 7763 64-Core Processor", "fpu sse sse2 fma avx avx2");
    static final CpuInfo XEON = cpu("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Platinum 8581C", AVX512);

    @Test
    void parsesTheFirstProcessor() {
        assertEquals("AuthenticAMD", ZEN4.vendor());
        assertEquals(25, ZEN4.family());
        assertEquals(17, ZEN4.model());
        assertTrue(ZEN4.has("avx512f") && ZEN4.isAmd());
        assertTrue(ZEN4.describe().contains("family 25 model 17"), ZEN4.describe());
        assertSame(CpuInfo.UNKNOWN, CpuInfo.read(java.nio.file.Path.of("/no/such/cpuinfo")));
    }

    @Test
    void eachCpuClassGetsItsWidthAndTile() {
        VectorPlan zen4 = VectorPlan.choose(ZEN4, "amd64", 512, 17, null, null);
        assertEquals(512, zen4.bits());
        assertEquals("8x2", zen4.tile());
        assertTrue(zen4.reason().contains("Zen 4"), zen4.reason());

        VectorPlan zen5 = VectorPlan.choose(ZEN5, "amd64", 512, 25, null, null);
        assertEquals(512, zen5.bits());
        assertEquals("8x2", zen5.tile());

        VectorPlan xeon = VectorPlan.choose(XEON, "amd64", 512, 17, null, null);
        assertEquals(512, xeon.bits());
        assertEquals("8x2", xeon.tile());
        assertTrue(xeon.reason().startsWith("Intel AVX-512"), xeon.reason());

        // AVX2 only: 16 registers, the tile by JDK as measured.
        assertEquals("4x3", VectorPlan.choose(ZEN3, "amd64", 256, 17, null, null).tile());
        assertEquals("6x2", VectorPlan.choose(ZEN3, "amd64", 256, 21, null, null).tile());
        assertEquals(256, VectorPlan.choose(ZEN3, "amd64", 256, 25, null, null).bits());

        // Unknown machines (no /proc/cpuinfo, or ARM) take the JVM's preferred width.
        assertEquals(128, VectorPlan.choose(CpuInfo.UNKNOWN, "aarch64", 128, 21, null, null).bits());
        assertEquals(512, VectorPlan.choose(CpuInfo.UNKNOWN, "amd64", 512, 21, null, null).bits());
    }

    @Test
    void overridesWinButNeverWidenTheHardware() {
        VectorPlan p = VectorPlan.choose(ZEN4, "amd64", 512, 17, "512", "6x2");
        assertEquals(512, p.bits());
        assertEquals("6x2", p.tile());
        VectorPlan q = VectorPlan.choose(ZEN3, "amd64", 256, 17, "512", null);
        assertEquals(256, q.bits());
        assertTrue(q.reason().contains("ignored"), q.reason());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VectorPlan.choose(ZEN5, "amd64", 512, 17, "300", null));
        assertTrue(e.getMessage().contains("fashion.vector.bits=300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorPlan.choose(ZEN5, "amd64", 512, 17, null, "3x3"));
    }
}
