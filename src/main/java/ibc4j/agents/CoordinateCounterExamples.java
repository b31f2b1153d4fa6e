package ibc4j.agents;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ibc4j's {@code fraction_coordinate_samples} share of counter examples (no IBC counterpart): the demonstrated
 * action with one coordinate replaced by its uniform draw, counter example k varying coordinate k mod A. Uniform
 * counter examples in N dimensions are told from the demonstration almost always once N is large (the InfoNCE loss
 * reaches 1e-3 at N = 8), which leaves nothing to shape the energy near the demonstrated action, where a
 * coordinate-wise search chooses; these stay as hard as in one dimension. It is the single-model counterpart of the
 * paper's per-dimension training for autoregressive DFO (arXiv 2109.00137, App. B.1), which IBC's code lacks.
 */
final class CoordinateCounterExamples {
    private CoordinateCounterExamples() {}

    /**
     * @param uniform the uniform draw {@code [B·n, A]} (its coordinate k mod A is used for counter example k)
     * @param actions the demonstrated actions {@code [B, A]}
     * @return {@code [B·n, A]}
     */
    static INDArray of(INDArray uniform, INDArray actions, int b, int n) {
        int a = (int) actions.size(1);
        float[] u = uniform.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] demo = actions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[b * n * a];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < n; k++) {
                int row = (i * n + k) * a;
                System.arraycopy(demo, i * a, out, row, a);
                out[row + k % a] = u[row + k % a];
            }
        }
        return Nd4j.create(out, new long[] {(long) b * n, a}, 'c');
    }
}
