package ibc4j.agents.policy;

import ibc4j.normalizers.Normalizers;
import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * What every exported policy layer holds besides its network: input the RAW flat observation {@code [B, nIn]},
 * output the action {@code [B, nOut]}. The fields are written and read by DL4J's JSON configuration
 * ({@code @JsonProperty}: DL4J's mapper otherwise sees only getters; the class name is the JSON type id, so no
 * registration is needed). Parameters: {@link NetworkParamInitializer}.
 *
 * <p>Observation layout (IBC's MLPEBM/MLPMSE flatten): frame by frame, oldest first; within a frame the
 * observation keys in sorted order ({@link #getObsKeys()}), each key's values ({@link #getObsKeyDims()}).
 */
public abstract class PolicyLayer extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    // observation layout and obs_norm_layer (null mean/std: no normalizer)
    @JsonProperty
    private String[] obsKeys;
    @JsonProperty
    private int[] obsKeyDims;
    @JsonProperty
    private int historyLength;
    @JsonProperty
    private float[] obsMean;
    @JsonProperty
    private float[] obsStd;
    // act_denorm_layer: "none", "std" (a = mean, b = std) or "minmax" (a = min, b = max)
    @JsonProperty
    private String actDenorm;
    @JsonProperty
    private float[] actDenormA;
    @JsonProperty
    private float[] actDenormB;
    // the env's action bounds the action is clipped to (null: no clip)
    @JsonProperty
    private float[] envMin;
    @JsonProperty
    private float[] envMax;

    private transient long numNetworkParams = -1;

    protected PolicyLayer() {}

    /** Sets the dimensions, the observation path, the act denormalizer and the clip (null: none). */
    protected void setCommon(int obsDim, int actionDim, ObsLayout layout, Object actDenormLayer, float[][] env) {
        nIn = obsDim;
        nOut = actionDim;
        obsKeys = layout.keys();
        obsKeyDims = layout.dims();
        historyLength = layout.historyLength();
        obsMean = layout.mean();
        obsStd = layout.std();
        if (actDenormLayer == null) {
            actDenorm = "none";
        } else if (actDenormLayer instanceof Normalizers.Std std) {
            actDenorm = "std";
            actDenormA = std.mean().clone();
            actDenormB = std.std().clone();
        } else if (actDenormLayer instanceof Normalizers.MinMax mm) {
            actDenorm = "minmax";
            actDenormA = mm.min().clone();
            actDenormB = mm.max().clone();
        } else {
            throw new UnsupportedOperationException("act_denorm_layer " + actDenormLayer.getClass().getName()
                    + " cannot be exported; only Normalizers.Std, Normalizers.MinMax or None");
        }
        if (env != null) {
            envMin = env[0].clone();
            envMax = env[1].clone();
        }
    }

    /** The obs normalizer over the flat row (a {@link Normalizers.Std} of width nIn), or null. */
    protected Normalizers.Std obsNorm() {
        return obsMean == null ? null : new Normalizers.Std(obsMean, obsStd);
    }

    /** The act_denorm_layer, or null. */
    protected Object actDenormLayer() {
        return switch (actDenorm) {
            case "none" -> null;
            case "std" -> new Normalizers.Std(actDenormA, actDenormB);
            case "minmax" -> new Normalizers.MinMax(actDenormA, actDenormB);
            default -> throw new IllegalStateException(getClass().getSimpleName() + ".actDenorm: unknown '"
                    + actDenorm + "'");
        };
    }

    /** {@code {min, max}} of the clip, or null. */
    protected float[][] envBounds() {
        return envMin == null ? null : new float[][] {envMin, envMax};
    }

    /** A new flat parameter array of the network, initialised by the network with {@code seed}. */
    protected abstract INDArray freshParams(long seed);

    long numNetworkParams() {
        if (numNetworkParams < 0) {
            numNetworkParams = freshParams(NetworkParamInitializer.INIT_SEED).length();
        }
        return numNetworkParams;
    }

    @Override
    public ParamInitializer initializer() {
        return NetworkParamInitializer.INSTANCE;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(numNetworkParams(), 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** The observation keys, sorted: the order of each frame's values in the flat input. */
    public String[] getObsKeys() {
        return obsKeys.clone();
    }

    /** Each key's width per frame, in {@link #getObsKeys()} order. */
    public int[] getObsKeyDims() {
        return obsKeyDims.clone();
    }

    /** The number of frames T in the flat input (IBC's sequence_length). */
    public int getHistoryLength() {
        return historyLength;
    }
}
