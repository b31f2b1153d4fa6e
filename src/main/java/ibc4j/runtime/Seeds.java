package ibc4j.runtime;

/**
 * ibc4j's {@code tf.random.set_seed}: the one seed a run sets, from which network initialisation, the data shuffle
 * and each step's noise are derived. A value, passed down to what needs it (TF keeps its seed global). Deriving
 * per-use seeds, instead of drawing from one shared stream, is what makes a resumed run draw exactly what an
 * uninterrupted one would.
 *
 * @param seed {@code train_eval.seed}
 */
public record Seeds(long seed) {
    /** A seed for one use ({@code purpose}, e.g. "train_step") and index (e.g. the step), well mixed. */
    public long derive(String purpose, long index) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ purpose.hashCode());
        return mix(h ^ index);
    }

    /** A seed for item {@code index} of a stream seeded with {@code base} (e.g. one episode of an evaluation). */
    public static long derive(long base, long index) {
        return mix(base * 0x9E3779B97F4A7C15L + index + 1);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
