package ibc4j.networks;

import ibc4j.runtime.NoiseSource;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A batch of TFP {@code MixtureSameFamily(Categorical(logits), MultivariateNormalDiag(loc, scale_diag))}, the
 * distribution IBC's MDN networks return ({@code networks/mlp_mdn.py}, {@code networks/pixel_mdn.py}, IBC db89ddb;
 * TFP 0.23).
 *
 * <p>Float32, c-order: {@code logits [B, k]}, {@code loc} and {@code scale} {@code [B, k, A]}.
 */
public record GaussianMixture(int batch, int components, int actionDim, float[] logits, float[] loc,
                              float[] scale) {
    /** {@code 0.5·log(2π)} as TFP's Normal adds it (a float32 constant). */
    static final float HALF_LOG_2PI = (float) (0.5 * Math.log(2.0 * Math.PI));

    public GaussianMixture {
        Preconditions.checkArgument(logits.length == batch * components
                        && loc.length == batch * components * actionDim && scale.length == loc.length,
                "mixture: logits %s, loc %s, scale %s do not fit B=%s k=%s A=%s", logits.length, loc.length,
                scale.length, batch, components, actionDim);
    }

    public INDArray logitsArray() {
        return Nd4j.create(logits, new long[] {batch, components}, 'c');
    }

    public INDArray locArray() {
        return Nd4j.create(loc, new long[] {batch, components, actionDim}, 'c');
    }

    public INDArray scaleArray() {
        return Nd4j.create(scale, new long[] {batch, components, actionDim}, 'c');
    }

    /** {@code log_prob(x)} for {@code x [B, A]}: {@code [B]} (see {@link #logProbRow}). */
    public float[] logProb(INDArray x) {
        float[] xs = rows(x);
        float[] out = new float[batch];
        float[] t = new float[components];
        for (int b = 0; b < batch; b++) {
            out[b] = logProbRow(b, xs, t, null);
        }
        return out;
    }

    /**
     * One row of {@code MixtureSameFamily.log_prob}: {@code reduce_logsumexp(log_softmax(logits) + lp_j)} with
     * {@code lp_j = Σ_a (−½z² − ½log 2π) − Σ_a log|s|}, {@code z = (x − loc)/s} (TFP's MultivariateNormalDiag: a
     * standard Normal through shift∘scale, minus the scale's log-determinant).
     *
     * @param t   scratch {@code [k]}; on return {@code log_softmax(logits)_j + lp_j}
     * @param z   null, or {@code [k·A]} filled with z for the row
     */
    public float logProbRow(int b, float[] xs, float[] t, float[] z) {
        int k = components;
        int a = actionDim;
        float[] logMix = logSoftmax(logits, b * k, k);
        for (int j = 0; j < k; j++) {
            float quad = 0f;
            float logDet = 0f;
            for (int i = 0; i < a; i++) {
                int p = (b * k + j) * a + i;
                float s = scale[p];
                float zi = (xs[b * a + i] - loc[p]) / s;
                if (z != null) {
                    z[j * a + i] = zi;
                }
                quad += -0.5f * (zi * zi) - HALF_LOG_2PI;
                logDet += (float) Math.log(Math.abs(s));
            }
            t[j] = (quad - logDet) + logMix[j];
        }
        return logSumExp(t);
    }

    /** TF's {@code LogSoftmax} kernel on {@code v[off, off+n)}: {@code (v − max) − log Σ exp(v − max)}. */
    static float[] logSoftmax(float[] v, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, v[off + j]);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            sum += (float) Math.exp(v[off + j] - max);
        }
        float logSum = (float) Math.log(sum);
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            out[j] = (v[off + j] - max) - logSum;
        }
        return out;
    }

    /** {@code tf.reduce_logsumexp}: the max (0 where it is not finite) shifted out and added back. */
    static float logSumExp(float[] t) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : t) {
            max = Math.max(max, v);
        }
        float m = Float.isFinite(max) ? max : 0f;
        float sum = 0f;
        for (float v : t) {
            sum += (float) Math.exp(v - m);
        }
        return (float) Math.log(sum) + m;
    }

    /**
     * One draw per row, as TFP's {@code MixtureSameFamily.sample()} makes it: every component's Gaussian sample
     * {@code scale·z + loc} ({@code z ~ N(0,1) [B, k, A]}, drawn first), then a component index from
     * {@code Categorical(logits)}, and that component's sample.
     *
     * @return {@code [B, A]}
     */
    public INDArray sample(NoiseSource noise) {
        int k = components;
        int a = actionDim;
        INDArray zArr = Nd4j.create(DataType.FLOAT, batch, k, a);
        noise.normal(zArr);
        float[] z = zArr.dup('c').data().asFloat();
        int[][] idx = noise.categorical(logitsArray(), 1);
        float[] out = new float[batch * a];
        for (int b = 0; b < batch; b++) {
            int j = idx[b][0];
            Preconditions.checkState(j >= 0 && j < k, "categorical draw %s outside [0, %s)", j, k);
            for (int i = 0; i < a; i++) {
                int p = (b * k + j) * a + i;
                out[b * a + i] = scale[p] * z[p] + loc[p];
            }
        }
        return Nd4j.create(out, new long[] {batch, a}, 'c');
    }

    private float[] rows(INDArray x) {
        Preconditions.checkArgument(x.rank() == 2 && x.size(0) == batch && x.size(1) == actionDim,
                "expected x [%s, %s], got %s", batch, actionDim, java.util.Arrays.toString(x.shape()));
        return x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}
