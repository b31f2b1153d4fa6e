package ibc4j.losses;

import ibc4j.networks.GaussianMixture;
import ibc4j.networks.MdnHead;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss of IBC's MDN agent ({@code ibc/agents/mdn_agent.py} {@code _loss}, IBC db89ddb): per example
 * {@code −MixtureSameFamily.log_prob(action)} of the training-mode mixture ({@link MdnHead}), then tf-agents'
 * {@code aggregate_losses} = {@code Σ_b loss_b / B} (no sample weights; {@code cloning_network.losses} is empty:
 * IBC's MLPMDN has no regularizers).
 *
 * <p>The gradient with respect to the three Dense outputs is the closed form of TF's autodiff through
 * logsumexp, log_softmax, the temperature division and {@code exp}: with responsibilities
 * {@code r_j = softmax_j(log_softmax(logits)_j + lp_j)}, mixture weights {@code w = softmax(logits)},
 * {@code z = (x − μ)/s} and {@code g = 1/B}:
 * {@code ∂/∂μ = −g·r_j·z/s}, {@code ∂/∂logvar = −g·r_j·(z² − 1)}, {@code ∂/∂pi = −g·(r_j − w_j)/T}.
 */
public final class MdnLoss {
    private MdnLoss() {}

    /**
     * @param perExample {@code [B]} {@code −log_prob}
     * @param total      {@code Σ_b perExample_b / B}
     * @param gradMu     {@code ∂total/∂mu} {@code [B, k·A]}
     * @param gradLogvar {@code ∂total/∂logvar} {@code [B, k·A]}
     * @param gradPi     {@code ∂total/∂pi} (before the temperature) {@code [B, k]}
     * @param mixture    the training-mode distribution
     */
    public record Result(INDArray perExample, float total, INDArray gradMu, INDArray gradLogvar, INDArray gradPi,
                         GaussianMixture mixture) {}

    /** The three Dense outputs of the head (training=True) and the normalized target actions {@code [B, A]}. */
    public static Result compute(MdnHead head, INDArray mu, INDArray logvar, INDArray pi, INDArray targets) {
        GaussianMixture mix = head.mixture(mu, logvar, pi, true, null);
        int b = mix.batch();
        int k = mix.components();
        int a = mix.actionDim();
        if (targets.rank() != 2 || targets.size(0) != b || targets.size(1) != a) {
            throw new IllegalArgumentException("MDN loss: expected target actions [" + b + ", " + a + "], got "
                    + java.util.Arrays.toString(targets.shape()));
        }
        float[] x = targets.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        float temp = head.temperature(true);
        float g = 1f / b;
        float[] per = new float[b];
        float[] gMu = new float[b * k * a];
        float[] gLv = new float[b * k * a];
        float[] gPi = new float[b * k];
        float[] t = new float[k];
        float[] z = new float[k * a];
        float sum = 0f;
        for (int r = 0; r < b; r++) {
            float lp = mix.logProbRow(r, x, t, z);
            per[r] = -lp;
            sum += per[r];
            float[] w = softmax(mix.logits(), r * k, k);
            for (int j = 0; j < k; j++) {
                float resp = (float) Math.exp(t[j] - lp);
                gPi[r * k + j] = -g * (resp - w[j]) / temp;
                for (int i = 0; i < a; i++) {
                    int p = (r * k + j) * a + i;
                    float zi = z[j * a + i];
                    gMu[p] = -g * resp * zi / mix.scale()[p];
                    gLv[p] = -g * resp * (zi * zi - 1f);
                }
            }
        }
        return new Result(Nd4j.create(per, new long[] {b}), sum / b,
                Nd4j.create(gMu, new long[] {b, (long) k * a}, 'c'), Nd4j.create(gLv, new long[] {b, (long) k * a}, 'c'),
                Nd4j.create(gPi, new long[] {b, k}, 'c'), mix);
    }

    private static float[] softmax(float[] v, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, v[off + j]);
        }
        float[] out = new float[n];
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            out[j] = (float) Math.exp(v[off + j] - max);
            sum += out[j];
        }
        for (int j = 0; j < n; j++) {
            out[j] /= sum;
        }
        return out;
    }
}
