package ibc4j.environments.particle;

import java.security.SecureRandom;

/**
 * NumPy's legacy {@code np.random.RandomState} (MT19937), as IBC's {@code environments/particle/particle.py} uses it:
 * the same seeding and the same {@code random_sample} doubles, bit for bit.
 *
 * <p>Mirrors numpy/random/_mt19937.pyx {@code _legacy_seeding} and numpy/random/src/mt19937/mt19937.c: an integer
 * seed runs {@code mt19937_seed} (Matsumoto and Nishimura's {@code init_genrand}); an array seed runs
 * {@code init_by_array}; no seed draws the key from OS entropy. A double is built from two 32-bit outputs
 * {@code a, b} as {@code ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53}. Only the draws the particle env needs are here
 * ({@code rand}, {@code random_sample}, {@code uniform}); there is no Gaussian cache.
 */
public final class NumpyRandomState {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] key = new int[N];
    private int pos;

    /**
     * {@code RandomState(seed)}.
     *
     * @param seed an integer in [0, 2^32 - 1], or null for OS entropy (as numpy's {@code RandomState(None)})
     */
    public NumpyRandomState(Long seed) {
        if (seed == null) {
            SecureRandom entropy = new SecureRandom();
            for (int i = 0; i < N; i++) {
                key[i] = entropy.nextInt();
            }
            key[0] = UPPER_MASK; // numpy: "MSB is 1; assuring non-zero initial array"
            pos = N;
        } else {
            checkSeedWord(seed);
            initGenrand((int) (long) seed);
        }
    }

    /** {@code RandomState(seed)} for an int seed. */
    public NumpyRandomState(long seed) {
        this(Long.valueOf(seed));
    }

    /**
     * {@code RandomState(array)}: numpy's legacy seeding of a 1-d integer array ({@code init_by_array}).
     *
     * @param seedArray non-empty, every element in [0, 2^32 - 1]
     */
    public static NumpyRandomState ofArray(long... seedArray) {
        if (seedArray.length == 0) {
            throw new IllegalArgumentException("Seed must be non-empty");
        }
        int[] words = new int[seedArray.length];
        for (int i = 0; i < words.length; i++) {
            checkSeedWord(seedArray[i]);
            words[i] = (int) seedArray[i];
        }
        NumpyRandomState rs = new NumpyRandomState(0L);
        rs.initByArray(words);
        return rs;
    }

    private static void checkSeedWord(long s) {
        if (s < 0 || s > 0xffffffffL) {
            throw new IllegalArgumentException("Seed must be between 0 and 2**32 - 1, got " + s);
        }
    }

    private void initGenrand(int s) {
        key[0] = s;
        for (int i = 1; i < N; i++) {
            key[i] = 1812433253 * (key[i - 1] ^ (key[i - 1] >>> 30)) + i;
        }
        pos = N;
    }

    private void initByArray(int[] initKey) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, initKey.length); k > 0; k--) {
            key[i] = (key[i] ^ ((key[i - 1] ^ (key[i - 1] >>> 30)) * 1664525)) + initKey[j] + j;
            i++;
            j++;
            if (i >= N) {
                key[0] = key[N - 1];
                i = 1;
            }
            if (j >= initKey.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            key[i] = (key[i] ^ ((key[i - 1] ^ (key[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                key[0] = key[N - 1];
                i = 1;
            }
        }
        key[0] = UPPER_MASK;
        pos = N;
    }

    private void generate() {
        int i = 0;
        for (; i < N - M; i++) {
            int y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
            key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; i < N - 1; i++) {
            int y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
            key[i] = key[i + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
        key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        pos = 0;
    }

    /** The next tempered 32-bit output, as an unsigned value in a long. */
    public long nextUint32() {
        if (pos == N) {
            generate();
        }
        int y = key[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** {@code random_sample()}: one double in [0, 1) with 53 random bits. */
    public double randomSample() {
        long a = nextUint32() >>> 5;
        long b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code rand(n)} (= {@code random_sample(n)}): n doubles in [0, 1). */
    public double[] rand(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = randomSample();
        }
        return out;
    }

    /** {@code rand(n).astype(np.float32)}: n doubles in [0, 1), each rounded to float32 (which may give 1.0f). */
    public float[] randFloat32(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) randomSample();
        }
        return out;
    }

    /** {@code uniform(low, high, n)}: {@code low + (high - low) * random_sample()} per element, as numpy's legacy. */
    public double[] uniform(double low, double high, int n) {
        double range = high - low;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = low + range * randomSample();
        }
        return out;
    }
}
