package dev.fashion.nn;

/**
 * A small seeded generator (SplitMix64) whose whole state is one long, so a checkpoint can save it and
 * a resumed run continues the same stream. Split one per use (initialisation, shuffling, dropout) so
 * adding a use does not shift the others.
 */
public final class Rng {
    /** SplitMix64's increment (the golden ratio in 64 bits). */
    static final long GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** An independent generator derived from this seed and a purpose name. */
    public static Rng forPurpose(long seed, String purpose) {
        long h = seed;
        for (int i = 0; i < purpose.length(); i++) h = mix(h + purpose.charAt(i));
        return new Rng(mix(h));
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        state += GAMMA;
        return mix(state);
    }

    /**
     * Moves past {@code draws} draws, as that many {@link #nextLong} calls would: SplitMix64's draw k is a
     * function of the state and k alone, so a range of draws can start anywhere (and on any thread).
     */
    public void skip(long draws) {
        state += draws * GAMMA;
    }

    /** A well-mixed hash of a key and an index, for draws that must not depend on who draws first. */
    public static long hash(long key, long index) {
        return mix(mix(key + index * GAMMA));
    }

    /** SplitMix64's output function: draw k of a generator in state s is mix(s + k·GAMMA), k from 1. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits, exactly representable as a float. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        // Lemire's multiply-shift with rejection: unbiased.
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Uniform in [-bound, bound). */
    public float uniform(float bound) {
        return (2f * nextFloat() - 1f) * bound;
    }

    /**
     * PyTorch's default for nn.Linear and nn.Conv2d: kaiming_uniform_(a=sqrt(5)) gives the bound
     * gain·sqrt(3/fan_in) with gain = sqrt(2/(1+a²)) = sqrt(1/3), i.e. 1/sqrt(fan_in); the bias (may be
     * null) is uniform within the same bound. Drawn in order, weight then bias, as a seeded PyTorch model.
     */
    public void kaimingUniform(Parameter weight, Parameter bias, int fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        float[] w = weight.data();
        for (int i = 0; i < w.length; i++) w[i] = uniform(bound);
        if (bias != null) {
            float[] b = bias.data();
            for (int i = 0; i < b.length; i++) b[i] = uniform(bound);
        }
    }

    /** Fisher-Yates shuffle of {@code a}. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
