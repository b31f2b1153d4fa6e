package ibc4j.networks.layers;

import ibc4j.runtime.NoiseSource;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras {@code Dropout(rate)} in training, as TF 2.15 computes it ({@code nn_ops._dropout}, reached through Keras'
 * legacy-stateful RandomGenerator): draw {@code u ~ U[0, 1)} (float32) of the input's shape, keep where
 * {@code u >= rate} (rate as a float32 tensor), and return {@code where(keep, x·scale, 0)} with
 * {@code scale = float32(1 / (1 − rate))} (Python double, then one rounding). The gradient is
 * {@code where(keep, g·scale, 0)}.
 *
 * <p>DL4J's own Dropout draws a Bernoulli mask from ND4J's generator and divides by the retain probability;
 * this one takes its uniforms from the {@link NoiseSource} its network binds ({@link #bind}), so a caller can replay TF's recorded draws (and
 * otherwise gets ND4J's global generator, as TF draws from its global one). The mask of the last forward pass is
 * kept, outside any workspace, until the backward pass uses it.
 */
public final class KerasDropout implements IDropout {
    private static final long serialVersionUID = 1L;

    private final double rate;
    private transient INDArray mask;
    private transient NoiseSource noise; // set on the live layers by the network that owns them (bind)

    public KerasDropout(@JsonProperty("rate") double rate) {
        if (!(rate > 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @JsonProperty("rate")
    public double rate() {
        return rate;
    }

    /**
     * {@code float32(1 / (1 − rate))}, the constant TF multiplies float32 activations by; a float64 graph (the
     * parity checks' reference) uses the same constant, so that it computes the same function more exactly.
     */
    public double scale() {
        return (float) (1.0 / (1.0 - rate));
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray output, int iteration, int epoch,
                                 LayerWorkspaceMgr workspaceMgr) {
        long n = input.length();
        float threshold = (float) rate;
        double scale = scale();
        release();
        // The mask lives from the forward pass to its backprop, across DL4J's per-layer workspaces: made outside
        // them, and freed explicitly (not by the collector) once used or replaced.
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray u = Nd4j.create(DataType.FLOAT, input.shape());
            (noise != null ? noise : NoiseSource.nd4jGlobal()).uniform(u);
            float[] uv = u.data().asFloat();
            u.close();
            double[] m = new double[(int) n];
            for (int i = 0; i < m.length; i++) {
                m[i] = uv[i] >= threshold ? scale : 0.0;
            }
            INDArray m64 = Nd4j.create(m, input.shape(), 'c');
            mask = m64.castTo(input.dataType());
            if (mask != m64) {
                m64.close();
            }
        }
        Nd4j.getExecutioner().exec(new MulOp(input, mask, output));
        return output;
    }

    @Override
    public INDArray backprop(INDArray gradient, INDArray gradAtInput, int iteration, int epoch) {
        if (mask == null) {
            throw new IllegalStateException("KerasDropout.backprop without a preceding training forward pass");
        }
        Nd4j.getExecutioner().exec(new MulOp(gradient, mask, gradAtInput));
        release();
        return gradAtInput;
    }

    @Override
    public void clear() {
        release();
    }

    private void release() {
        if (mask != null && mask.closeable()) {
            mask.close();
        }
        mask = null;
    }

    /**
     * Makes every KerasDropout of {@code graph}'s layers draw from {@code noise} until the returned binding is
     * closed (unbound, and with null: ND4J's global generator, as TF's dropout draws from its global one).
     */
    public static Binding bind(ComputationGraph graph, NoiseSource noise) {
        set(graph, noise);
        return () -> set(graph, null);
    }

    private static void set(ComputationGraph graph, NoiseSource noise) {
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            if (l.conf().getLayer().getIDropout() instanceof KerasDropout k) {
                k.noise = noise;
            }
        }
    }

    /** A {@link #bind}ing; closing it unbinds. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public KerasDropout clone() {
        return new KerasDropout(rate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KerasDropout d && d.rate == rate;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(rate);
    }

    @Override
    public String toString() {
        return "KerasDropout(rate=" + rate + ")";
    }
}
