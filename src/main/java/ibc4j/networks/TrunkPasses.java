package ibc4j.networks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise work between the GEMMs of {@link PreActivationKernel}'s trunk with any number of blocks (the
 * block-pushing and D4RL networks), fused into one pass per GEMM gap with the JDK's Vector API. Each ND4J op is a
 * full pass over an [R, W] buffer (R = 131,584 rows for a block-pushing training step), so the per-op path reads
 * and writes each buffer several times between two GEMMs:
 * <pre>
 * forward   z += b1; a2 = relu(z)                         bias add + relu:             4 passes → 1
 *           u += b2; h' = h + u; a1' = relu(h')           bias add + add + next relu:  7 passes → 1
 * backward  δz = [z > 0] ⊙ δq                             step + multiply:             5 passes → 1
 *           γ = [h > 0] ⊙ δr + γ'                         step + multiply + add:       8 passes → 1
 * </pre>
 * Every value is what the per-op path computes, bit for bit: the same float32 operations in the same order (TF's
 * matmul, bias_add, then the residual add), ReLU as ND4J's {@code x < 0 ? 0 : x}, masks as TF's ReluGrad
 * {@code g · (x > 0)} (a multiplication, so 0·∞ stays NaN; NaN gives mask 0). {@code TrunkPassesTest} compares the
 * two paths bitwise.
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present ({@link PreActivationKernel#fusedAvailable()}).
 * Arrays are whole c-order float32 [R, W] buffers; row vectors are {@code [W]} or {@code [1, W]} of any layout.
 */
final class TrunkPasses {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final int rows;
    private final int width;
    private final int bound;
    private final RowSplitter split;

    TrunkPasses(int rows, int width) {
        this.rows = rows;
        this.width = width;
        this.bound = S.loopBound(width);
        this.split = RowSplitter.forWork((long) rows * width);
    }

    /** z ← z + b (in place); a ← relu(z) unless {@code a} is null. */
    void biasRelu(INDArray zArr, INDArray bias, INDArray aArr) {
        ByteBuffer z = bytes(zArr);
        ByteBuffer a = aArr == null ? null : bytes(aArr);
        float[] b = row(bias);
        split.run(rows, (r0, r1) -> {
            for (int i = r0; i < r1; i++) {
                int ob = i * width * 4;
                int j = 0;
                for (; j < bound; j += S.length()) {
                    FloatVector v = FloatVector.fromByteBuffer(S, z, ob + 4 * j, NATIVE).add(FloatVector.fromArray(S, b, j));
                    v.intoByteBuffer(z, ob + 4 * j, NATIVE);
                    if (a != null) {
                        relu(v).intoByteBuffer(a, ob + 4 * j, NATIVE);
                    }
                }
                for (; j < width; j++) {
                    float v = z.getFloat(ob + 4 * j) + b[j];
                    z.putFloat(ob + 4 * j, v);
                    if (a != null) {
                        a.putFloat(ob + 4 * j, v < 0f ? 0f : v);
                    }
                }
            }
        });
    }

    /** u ← u + b (in place); hNext ← hPrev + u; a1Next ← relu(hNext) unless {@code a1Next} is null. */
    void biasResidualRelu(INDArray uArr, INDArray bias, INDArray hPrevArr, INDArray hNextArr, INDArray a1NextArr) {
        ByteBuffer u = bytes(uArr);
        ByteBuffer hp = bytes(hPrevArr);
        ByteBuffer hn = bytes(hNextArr);
        ByteBuffer a = a1NextArr == null ? null : bytes(a1NextArr);
        float[] b = row(bias);
        split.run(rows, (r0, r1) -> {
            for (int i = r0; i < r1; i++) {
                int ob = i * width * 4;
                int j = 0;
                for (; j < bound; j += S.length()) {
                    FloatVector t = FloatVector.fromByteBuffer(S, u, ob + 4 * j, NATIVE).add(FloatVector.fromArray(S, b, j));
                    t.intoByteBuffer(u, ob + 4 * j, NATIVE);
                    FloatVector h = FloatVector.fromByteBuffer(S, hp, ob + 4 * j, NATIVE).add(t);
                    h.intoByteBuffer(hn, ob + 4 * j, NATIVE);
                    if (a != null) {
                        relu(h).intoByteBuffer(a, ob + 4 * j, NATIVE);
                    }
                }
                for (; j < width; j++) {
                    float t = u.getFloat(ob + 4 * j) + b[j];
                    u.putFloat(ob + 4 * j, t);
                    float h = hp.getFloat(ob + 4 * j) + t;
                    hn.putFloat(ob + 4 * j, h);
                    if (a != null) {
                        a.putFloat(ob + 4 * j, h < 0f ? 0f : h);
                    }
                }
            }
        });
    }

    /** out ← [x > 0] ⊙ q, q an [R, W] buffer. */
    void maskMul(INDArray x, INDArray q, INDArray out) {
        maskMulAdd(bytes(x), bytes(q), null, null, null, bytes(out));
    }

    /** out ← [x > 0] ⊙ q, q one row broadcast over the rows. */
    void maskMulRow(INDArray x, INDArray qRow, INDArray out) {
        maskMulAdd(bytes(x), null, row(qRow), null, null, bytes(out));
    }

    /** out ← [x > 0] ⊙ r + add, add an [R, W] buffer. */
    void maskMulAdd(INDArray x, INDArray r, INDArray add, INDArray out) {
        maskMulAdd(bytes(x), bytes(r), null, bytes(add), null, bytes(out));
    }

    /** out ← [x > 0] ⊙ r + addRow, addRow one row broadcast over the rows. */
    void maskMulAddRow(INDArray x, INDArray r, INDArray addRow, INDArray out) {
        maskMulAdd(bytes(x), bytes(r), null, null, row(addRow), bytes(out));
    }

    /** out ← [x > 0] ⊙ (q or qRow), plus add or addRow when one is given. */
    private void maskMulAdd(ByteBuffer xb, ByteBuffer q, float[] qRow, ByteBuffer add, float[] addRow, ByteBuffer ob) {
        split.run(rows, (r0, r1) -> {
            FloatVector zero = FloatVector.zero(S);
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int i = r0; i < r1; i++) {
                int o = i * width * 4;
                int j = 0;
                for (; j < bound; j += S.length()) {
                    VectorMask<Float> on = FloatVector.fromByteBuffer(S, xb, o + 4 * j, NATIVE)
                            .compare(VectorOperators.GT, 0f);
                    FloatVector g = q != null ? FloatVector.fromByteBuffer(S, q, o + 4 * j, NATIVE)
                            : FloatVector.fromArray(S, qRow, j);
                    FloatVector v = zero.blend(one, on).mul(g);
                    if (add != null) {
                        v = v.add(FloatVector.fromByteBuffer(S, add, o + 4 * j, NATIVE));
                    } else if (addRow != null) {
                        v = v.add(FloatVector.fromArray(S, addRow, j));
                    }
                    v.intoByteBuffer(ob, o + 4 * j, NATIVE);
                }
                for (; j < width; j++) {
                    float m = xb.getFloat(o + 4 * j) > 0f ? 1f : 0f;
                    float v = m * (q != null ? q.getFloat(o + 4 * j) : qRow[j]);
                    if (add != null) {
                        v += add.getFloat(o + 4 * j);
                    } else if (addRow != null) {
                        v += addRow[j];
                    }
                    ob.putFloat(o + 4 * j, v);
                }
            }
        });
    }

    /** ND4J's ReLU, {@code x < 0 ? 0 : x}: keeps −0 and NaN as they are, as the per-op path does. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LT, 0f));
    }

    private ByteBuffer bytes(INDArray a) {
        if (a.ordering() != 'c' || a.offset() != 0 || a.elementWiseStride() != 1 || a.length() != (long) rows * width) {
            throw new IllegalArgumentException("trunk passes need whole c-order [" + rows + ", " + width + "] buffers");
        }
        return a.data().asNio().order(NATIVE);
    }

    private float[] row(INDArray v) {
        if (v.length() != width) {
            throw new IllegalArgumentException("expected a row of " + width + " values, got " + v.length());
        }
        return v.reshape(width).toFloatVector();
    }
}
