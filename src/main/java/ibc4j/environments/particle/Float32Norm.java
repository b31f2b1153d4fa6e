package ibc4j.environments.particle;

/**
 * {@code np.linalg.norm} of a float32 vector as IBC's {@code environments/particle/particle.py} ({@code dist}) and
 * {@code particle_oracles.py} compute it: {@code sqrt(x.dot(x))} in float32.
 *
 * <p>numpy hands {@code x.dot(x)} to OpenBLAS {@code sdot}, so the summation order is the BLAS kernel's. This
 * reproduces the order found for numpy 1.26.4's bundled OpenBLAS 0.3.23 on an AVX-512 x86-64 CPU, bit for bit on
 * 24,000 random vectors of length 1..80: squares rounded to float32 (no FMA); blocks of 16 into four 4-lane
 * accumulators, combined lane-wise as {@code (v0 + v1) + (v2 + v3)}; then blocks of 4 added into that vector; then
 * the horizontal sum {@code (l0 + l1) + (l2 + l3)}; then the remaining 0..3 squares one by one. For n &le; 3 this
 * is the plain left-to-right float32 sum, which every kernel computes; for n &ge; 4 another CPU's kernel may
 * differ from this in the last bit.
 */
public final class Float32Norm {
    private Float32Norm() {
    }

    /** The Euclidean norm of {@code x}, in float32 arithmetic. */
    public static float norm(float[] x) {
        return (float) Math.sqrt(dotSelf(x));
    }

    /** The Euclidean norm of {@code a - b} (the difference taken in float32, as numpy does for float32 arrays). */
    public static float normOfDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("length mismatch: " + a.length + " vs " + b.length);
        }
        float[] d = new float[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return norm(d);
    }

    /** {@code x.dot(x)} in the summation order described in the class comment. */
    static float dotSelf(float[] x) {
        int n = x.length;
        float[][] v = new float[4][4];
        int n16 = n - n % 16;
        for (int i = 0; i < n16; i += 16) {
            for (int k = 0; k < 4; k++) {
                for (int lane = 0; lane < 4; lane++) {
                    float e = x[i + 4 * k + lane];
                    v[k][lane] += e * e;
                }
            }
        }
        float[] acc = new float[4];
        for (int lane = 0; lane < 4; lane++) {
            acc[lane] = (v[0][lane] + v[1][lane]) + (v[2][lane] + v[3][lane]);
        }
        int n4 = n - n % 4;
        for (int i = n16; i < n4; i += 4) {
            for (int lane = 0; lane < 4; lane++) {
                float e = x[i + lane];
                acc[lane] += e * e;
            }
        }
        float s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for (int i = n4; i < n; i++) {
            s += x[i] * x[i];
        }
        return s;
    }
}
