package ibc4j.networks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise work of {@link PreActivationKernel}'s prepared one-block ∂f/∂a, fused into three passes over
 * the kernel's off-heap buffers with the JDK's Vector API (AVX-512/AVX2 at memory bandwidth; plain Java loops over
 * direct buffers are scalar and ~3× slower, separate ND4J ops cost one 4096×256 pass each).
 * <pre>
 * pass A  a1 = relu(hObs[row's observation] + act·Wp_a)        replaces assign, a K=A GEMM, relu
 *   GEMM 1  z = a1·W1
 * pass B  z ← [z + b1 > 0] ⊙ cq        (in place: z becomes δz)   replaces bias add, step, row multiply
 *   GEMM 2  r = z·W1ᵀ
 * pass C  ∂f/∂a_r = ([a1 > 0] ⊙ r + woᵀ)·Wp_aᵀ                   replaces step, multiply, row add, a N=A GEMM
 * </pre>
 * When asked for, the energies ride along at no memory cost: the head is linear, so f = h0·wo + relu(z + b1)·cq +
 * (b2·wo + bo); pass A sums h0·wo per row, pass B adds relu(z + b1)·cq and the constant (per-row reductions cost
 * ~0.1 ms a pass, so they run only when f is wanted).
 * Masks: relu(h) > 0 exactly when h > 0, so pass C reads the mask of h from a1 and h is never stored. NaN gives
 * mask 0, as TF's {@code x > 0}. The A-wide products are summed in a different order than OpenBLAS's thin GEMMs
 * (a few ulps; the kernel's tests and the parity bounds allow for it).
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present ({@link PreActivationKernel#fusedAvailable()}),
 * so every reference to the incubator API stays inside this class. Not thread-safe; owned by one kernel.
 */
final class FusedPasses {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final int rows;
    private final int width;
    private final int actDim;
    private final int bound;        // width rounded down to the vector length
    private final ByteBuffer hObs;  // [R, W]
    private final ByteBuffer a1;    // [R, W]
    private final ByteBuffer z;     // [R, W]
    private final ByteBuffer r;     // [R, W]
    private final FloatBuffer energies; // [R]
    private final float[] e0;       // h0·wo per row, from pass A
    private float energyConst;      // b2·wo + bo
    /** Weight snapshots, refreshed by {@link #snapshot}: Wp_a [A, W] row-major, b1, cq = wo·W2ᵀ, wo. */
    private final float[] wa;
    private final float[] b1;
    private final float[] cq;
    private final float[] wo;
    private final RowSplitter split;

    FusedPasses(int rows, int width, int actDim, INDArray hObs, INDArray a1, INDArray z, INDArray r,
                INDArray energies) {
        this.rows = rows;
        this.width = width;
        this.actDim = actDim;
        this.bound = S.loopBound(width);
        this.hObs = bytes(hObs);
        this.a1 = bytes(a1);
        this.z = bytes(z);
        this.r = bytes(r);
        this.energies = bytes(energies).asFloatBuffer();
        this.e0 = new float[rows];
        this.wa = new float[actDim * width];
        this.b1 = new float[width];
        this.cq = new float[width];
        this.wo = new float[width];
        this.split = RowSplitter.forWork((long) rows * width);
    }

    /** Copies the weights the passes read; call whenever the kernel refreshes its derived caches. */
    void snapshot(INDArray waC, INDArray bias1, INDArray cqRow, INDArray woRow, INDArray bias2, INDArray headBias) {
        copy(waC, wa);
        copy(bias1, b1);
        copy(cqRow, cq);
        copy(woRow, wo);
        float[] b2 = new float[width];
        copy(bias2, b2);
        float c = 0f;
        for (int j = 0; j < width; j++) {
            c = Math.fma(b2[j], wo[j], c);
        }
        energyConst = c + headBias.getFloat(0);
    }

    /** Pass A: a1_r = relu(hObs[src[r]] + Σ_i act_ri·Wp_a[i]); {@code act} is c-order [R, A] from {@code off}. */
    void project(int[] src, FloatBuffer act, int off, boolean withEnergies) {
        if (actDim == 2) {
            if (withEnergies) {
                split.run(rows, (r0, r1) -> project2Energies(src, act, off, r0, r1));
            } else {
                split.run(rows, (r0, r1) -> project2(src, act, off, r0, r1));
            }
        } else {
            split.run(rows, (r0, r1) -> projectRows(src, act, off, r0, r1, new float[actDim]));
        }
    }

    /** General-A pass A; {@code x} is scratch of length A. */
    private void projectRows(int[] src, FloatBuffer act, int off, int r0, int r1, float[] x) {
        final int w = width;
        for (int i = r0; i < r1; i++) {
            for (int k = 0; k < actDim; k++) {
                x[k] = act.get(off + i * actDim + k);
            }
            int hb = src[i] * w * 4;
            int ob = i * w * 4;
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector s = FloatVector.fromArray(S, wa, j).mul(x[0]);
                for (int k = 1; k < actDim; k++) {
                    s = FloatVector.fromArray(S, wa, k * w + j).fma(FloatVector.broadcast(S, x[k]), s);
                }
                FloatVector h = FloatVector.fromByteBuffer(S, hObs, hb + 4 * j, NATIVE).add(s);
                acc = h.fma(FloatVector.fromArray(S, wo, j), acc);
                h.max(0f).intoByteBuffer(a1, ob + 4 * j, NATIVE);
            }
            float e = acc.reduceLanes(VectorOperators.ADD);
            for (; j < w; j++) {
                float s = wa[j] * x[0];
                for (int k = 1; k < actDim; k++) {
                    s = Math.fma(wa[k * w + j], x[k], s);
                }
                float h = hObs.getFloat(hb + 4 * j) + s;
                e = Math.fma(h, wo[j], e);
                a1.putFloat(ob + 4 * j, Math.max(h, 0f));
            }
            e0[i] = e;
        }
    }

    /** Pass A for a 2-D action (IBC's particle and block tasks): the broadcasts hoisted out of the row. */
    private void project2(int[] src, FloatBuffer act, int off, int r0, int r1) {
        final int w = width;
        for (int i = r0; i < r1; i++) {
            float x0 = act.get(off + 2 * i);
            float x1 = act.get(off + 2 * i + 1);
            FloatVector v0 = FloatVector.broadcast(S, x0);
            FloatVector v1 = FloatVector.broadcast(S, x1);
            int hb = src[i] * w * 4;
            int ob = i * w * 4;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector s = FloatVector.fromArray(S, wa, w + j).fma(v1, FloatVector.fromArray(S, wa, j).mul(v0));
                FloatVector.fromByteBuffer(S, hObs, hb + 4 * j, NATIVE).add(s).max(0f)
                        .intoByteBuffer(a1, ob + 4 * j, NATIVE);
            }
            for (; j < w; j++) {
                float h = hObs.getFloat(hb + 4 * j) + Math.fma(wa[w + j], x1, wa[j] * x0);
                a1.putFloat(ob + 4 * j, Math.max(h, 0f));
            }
        }
    }

    /** {@link #project2}, also summing h0·wo per row for the energies (a separate loop: the JIT keeps both lean). */
    private void project2Energies(int[] src, FloatBuffer act, int off, int r0, int r1) {
        final int w = width;
        for (int i = r0; i < r1; i++) {
            float x0 = act.get(off + 2 * i);
            float x1 = act.get(off + 2 * i + 1);
            FloatVector v0 = FloatVector.broadcast(S, x0);
            FloatVector v1 = FloatVector.broadcast(S, x1);
            int hb = src[i] * w * 4;
            int ob = i * w * 4;
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector s = FloatVector.fromArray(S, wa, w + j).fma(v1, FloatVector.fromArray(S, wa, j).mul(v0));
                FloatVector h = FloatVector.fromByteBuffer(S, hObs, hb + 4 * j, NATIVE).add(s);
                acc = h.fma(FloatVector.fromArray(S, wo, j), acc);
                h.max(0f).intoByteBuffer(a1, ob + 4 * j, NATIVE);
            }
            float e = acc.reduceLanes(VectorOperators.ADD);
            for (; j < w; j++) {
                float h = hObs.getFloat(hb + 4 * j) + Math.fma(wa[w + j], x1, wa[j] * x0);
                e = Math.fma(h, wo[j], e);
                a1.putFloat(ob + 4 * j, Math.max(h, 0f));
            }
            e0[i] = e;
        }
    }

    /** Pass B, in place: z ← [z + b1 > 0] ⊙ cq; and f_r = e0_r + relu(z_r + b1)·cq + (b2·wo + bo). */
    void maskInPlace(boolean withEnergies) {
        if (withEnergies) {
            split.run(rows, this::maskRowsEnergies);
        } else {
            split.run(rows, this::maskRows);
        }
    }

    private void maskRows(int r0, int r1) {
        final int w = width;
        FloatVector zero = FloatVector.zero(S);
        for (int i = r0; i < r1; i++) {
            int ob = i * w * 4;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector v = FloatVector.fromByteBuffer(S, z, ob + 4 * j, NATIVE).add(FloatVector.fromArray(S, b1, j));
                zero.blend(FloatVector.fromArray(S, cq, j), v.compare(VectorOperators.GT, 0f))
                        .intoByteBuffer(z, ob + 4 * j, NATIVE);
            }
            for (; j < w; j++) {
                z.putFloat(ob + 4 * j, z.getFloat(ob + 4 * j) + b1[j] > 0f ? cq[j] : 0f);
            }
        }
    }

    /** {@link #maskRows}, also f_r = e0_r + relu(z_r + b1)·cq + (b2·wo + bo) into the energies. */
    private void maskRowsEnergies(int r0, int r1) {
        final int w = width;
        FloatVector zero = FloatVector.zero(S);
        for (int i = r0; i < r1; i++) {
            int ob = i * w * 4;
            FloatVector acc = zero;
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector v = FloatVector.fromByteBuffer(S, z, ob + 4 * j, NATIVE).add(FloatVector.fromArray(S, b1, j));
                FloatVector c = FloatVector.fromArray(S, cq, j);
                acc = v.max(0f).fma(c, acc);
                zero.blend(c, v.compare(VectorOperators.GT, 0f)).intoByteBuffer(z, ob + 4 * j, NATIVE);
            }
            float e = acc.reduceLanes(VectorOperators.ADD);
            for (; j < w; j++) {
                float v = z.getFloat(ob + 4 * j) + b1[j];
                e = Math.fma(Math.max(v, 0f), cq[j], e);
                z.putFloat(ob + 4 * j, v > 0f ? cq[j] : 0f);
            }
            energies.put(i, e0[i] + e + energyConst);
        }
    }

    /** Pass C: ∂f/∂a_r = ([a1 > 0] ⊙ r + wo)·Wp_aᵀ, written to {@code ga} (c-order [R, A]). */
    void gradient(FloatBuffer ga) {
        split.run(rows, (r0, r1) -> {
            if (actDim == 2) {
                gradient2(ga, r0, r1);
            } else {
                gradientRows(ga, r0, r1, new float[width]);
            }
        });
    }

    /** General-A pass C; {@code row} is scratch of length W. */
    private void gradientRows(FloatBuffer ga, int r0, int r1, float[] row) {
        final int w = width;
        FloatVector zero = FloatVector.zero(S);
        for (int i = r0; i < r1; i++) {
            int ob = i * w * 4;
            int j = 0;
            for (; j < bound; j += S.length()) {
                VectorMask<Float> on = FloatVector.fromByteBuffer(S, a1, ob + 4 * j, NATIVE)
                        .compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromByteBuffer(S, r, ob + 4 * j, NATIVE), on)
                        .add(FloatVector.fromArray(S, wo, j)).intoArray(row, j);
            }
            for (; j < w; j++) {
                row[j] = (a1.getFloat(ob + 4 * j) > 0f ? r.getFloat(ob + 4 * j) : 0f) + wo[j];
            }
            for (int k = 0; k < actDim; k++) {
                ga.put(i * actDim + k, dot(row, wa, k * w, bound, width));
            }
        }
    }

    /** Pass C for a 2-D action: both dot products accumulate in the same sweep, the row is never stored. */
    private void gradient2(FloatBuffer ga, int r0, int r1) {
        final int w = width;
        FloatVector zero = FloatVector.zero(S);
        for (int i = r0; i < r1; i++) {
            int ob = i * w * 4;
            FloatVector acc0 = zero;
            FloatVector acc1 = zero;
            int j = 0;
            for (; j < bound; j += S.length()) {
                VectorMask<Float> on = FloatVector.fromByteBuffer(S, a1, ob + 4 * j, NATIVE)
                        .compare(VectorOperators.GT, 0f);
                FloatVector g = zero.blend(FloatVector.fromByteBuffer(S, r, ob + 4 * j, NATIVE), on)
                        .add(FloatVector.fromArray(S, wo, j));
                acc0 = g.fma(FloatVector.fromArray(S, wa, j), acc0);
                acc1 = g.fma(FloatVector.fromArray(S, wa, w + j), acc1);
            }
            float s0 = acc0.reduceLanes(VectorOperators.ADD);
            float s1 = acc1.reduceLanes(VectorOperators.ADD);
            for (; j < w; j++) {
                float g = (a1.getFloat(ob + 4 * j) > 0f ? r.getFloat(ob + 4 * j) : 0f) + wo[j];
                s0 = Math.fma(g, wa[j], s0);
                s1 = Math.fma(g, wa[w + j], s1);
            }
            ga.put(2 * i, s0);
            ga.put(2 * i + 1, s1);
        }
    }

    /**
     * Pass C of a Langevin step fused with the update and the next step's pass A, row by row while the row is in
     * L1: ∂f/∂a_r into {@code ga}, then {@code update.apply(r)} (which rewrites action row r), then
     * a1_r = relu(hObs[src[r]] + act_r·Wp_a) for the next step. Rows are independent, so chunks may run on two
     * threads.
     */
    void gradientUpdateProject(FloatBuffer ga, EbmKernel.RowUpdate update, int[] src, FloatBuffer act,
                               boolean withEnergies) {
        if (actDim == 2 && withEnergies) {
            split.run(rows, (r0, r1) -> {
                for (int i = r0; i < r1; i++) {
                    gradient2(ga, i, i + 1);
                    update.apply(i);
                    project2Energies(src, act, 0, i, i + 1);
                }
            });
            return;
        }
        if (actDim == 2) {
            split.run(rows, (r0, r1) -> {
                for (int i = r0; i < r1; i++) {
                    gradient2(ga, i, i + 1);
                    update.apply(i);
                    project2(src, act, 0, i, i + 1);
                }
            });
            return;
        }
        split.run(rows, (r0, r1) -> {
            float[] row = new float[width];
            float[] x = new float[actDim];
            for (int i = r0; i < r1; i++) {
                gradientRows(ga, i, i + 1, row);
                update.apply(i);
                projectRows(src, act, 0, i, i + 1, x);
            }
        });
    }

    private static float dot(float[] v, float[] m, int off, int bound, int width) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += S.length()) {
            acc = FloatVector.fromArray(S, v, j).fma(FloatVector.fromArray(S, m, off + j), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < width; j++) {
            s = Math.fma(v[j], m[off + j], s);
        }
        return s;
    }

    private static ByteBuffer bytes(INDArray a) {
        if (a.ordering() != 'c' || a.offset() != 0 || a.elementWiseStride() != 1) {
            throw new IllegalArgumentException("fused passes need whole c-order buffers");
        }
        return a.data().asNio().order(NATIVE);
    }

    private static void copy(INDArray src, float[] dst) {
        float[] v = src.reshape(src.length()).toFloatVector();
        System.arraycopy(v, 0, dst, 0, dst.length);
    }
}
