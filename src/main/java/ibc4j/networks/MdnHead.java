package ibc4j.networks;

import ibc4j.normalizers.Normalizers;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mixture-density head of IBC's MDN networks on a feature vector; mirrors the part of {@code MLPMDN.call}
 * after {@code self._mlp} in {@code networks/mlp_mdn.py} (the same in {@code networks/pixel_mdn.py}, IBC db89ddb).
 *
 * <pre>
 * mu = Dense(k·A)(x)   var = exp(Dense(k·A)(x))   pi = Dense(k)(x) / temperature
 * training=False: var = var ** test_variance_exponent; mu = act_denorm(mu); var = act_denorm(var, mean_offset=False)
 * MixtureSameFamily(Categorical(logits=pi), MultivariateNormalDiag(loc=mu [B,k,A], scale_diag=var [B,k,A]))
 * </pre>
 * IBC names it {@code var} but passes it as {@code scale_diag}: it is a standard deviation. The three Dense layers
 * are linear with Keras {@code 'normal'} (RandomNormal(0, 0.05)) kernels and biases, in the Keras variable order
 * {@code mu, logvar, pi} after the trunk's.
 */
public final class MdnHead {
    /** The DL4J layer names (also the Keras-like parameter prefixes), in Keras' variable order. */
    public static final List<String> DENSE_NAMES = List.of("mu", "logvar", "pi");

    private final int numComponents;
    private final int actionSize;
    private final float trainingTemperature;
    private final float testTemperature;
    private final float testVarianceExponent;

    public MdnHead(int numComponents, int actionSize, double trainingTemperature, double testTemperature,
                   double testVarianceExponent) {
        Preconditions.checkArgument(numComponents >= 1, "num_components must be >= 1, got %s", numComponents);
        Preconditions.checkArgument(actionSize >= 1, "action size must be >= 1, got %s", actionSize);
        this.numComponents = numComponents;
        this.actionSize = actionSize;
        // Python floats: TF converts them to float32 when dividing a float32 tensor.
        this.trainingTemperature = (float) trainingTemperature;
        this.testTemperature = (float) testTemperature;
        this.testVarianceExponent = (float) testVarianceExponent;
    }

    public int numComponents() {
        return numComponents;
    }

    public int actionSize() {
        return actionSize;
    }

    public float temperature(boolean training) {
        return training ? trainingTemperature : testTemperature;
    }

    /** Adds {@code mu}, {@code logvar} and {@code pi} after {@code features} (of width {@code width}). */
    public void addTo(GraphBuilder gb, String features, int width) {
        int ka = numComponents * actionSize;
        gb.addLayer("mu", linear(width, ka), features);
        gb.addLayer("logvar", linear(width, ka), features);
        gb.addLayer("pi", linear(width, numComponents), features);
    }

    private static DenseLayer linear(int nIn, int nOut) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.IDENTITY).build();
    }

    /**
     * The distribution from the three Dense outputs ({@code mu [B, k·A]}, {@code logvar [B, k·A]},
     * {@code pi [B, k]}), float32 in IBC's order.
     *
     * @param actDenormLayer used when {@code training} is False (IBC calls it unconditionally there, so None fails)
     */
    public GaussianMixture mixture(INDArray mu, INDArray logvar, INDArray pi, boolean training,
                                   Object actDenormLayer) {
        int b = (int) mu.size(0);
        int k = numComponents;
        int a = actionSize;
        float[] m = floats(mu, b, k * a, "mu");
        float[] s = floats(logvar, b, k * a, "logvar");
        float[] logits = floats(pi, b, k, "pi");
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.exp(s[i]);
            if (!training) {
                s[i] = (float) Math.pow(s[i], testVarianceExponent);
            }
        }
        float temp = temperature(training);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = logits[i] / temp;
        }
        if (!training) {
            m = denorm(actDenormLayer, m, true);
            s = denorm(actDenormLayer, s, false);
        }
        return new GaussianMixture(b, k, a, logits, m, s);
    }

    /**
     * IBC's {@code act_denorm_layer(v, mean_offset=...)} over the last axis (A). StdDenormalizationLayer honours
     * {@code mean_offset}; MinMaxDenormalizationLayer swallows it and always adds the mid-range (IBC's behaviour).
     */
    static float[] denorm(Object layer, float[] v, boolean meanOffset) {
        if (layer instanceof Normalizers.Std std && !meanOffset) {
            float[] out = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] * Math.max(std.std()[i % std.std().length], Normalizers.EPS);
            }
            return out;
        }
        if (layer == null) {
            throw new IllegalStateException("MLPMDN.call(training=False) applies act_denorm_layer, which is None "
                    + "(IBC fails there too)");
        }
        if (!(layer instanceof Normalizers.Std) && !(layer instanceof Normalizers.MinMax)) {
            throw new IllegalArgumentException("act_denorm_layer: the MDN head needs a Normalizers.Std or MinMax "
                    + "(mean_offset), got " + layer.getClass().getName());
        }
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(v, new long[] {v.length}, 'c');
        return Normalizers.denormalizeActions(layer, x).data().asFloat();
    }

    private static float[] floats(INDArray x, int b, int n, String what) {
        Preconditions.checkArgument(x.rank() == 2 && x.size(0) == b && x.size(1) == n,
                "%s: expected [%s, %s], got %s", what, b, n, java.util.Arrays.toString(x.shape()));
        return x.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}
