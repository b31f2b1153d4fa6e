package ibc4j.networks.layers;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras {@code BatchNormalization()} or {@code LayerNormalization(epsilon=1e-6)} as IBC's {@code ResNetLayer}
 * builds them for {@code normalizer='Batch' | 'Layer'} ({@code networks/layers/resnet.py}, IBC db89ddb), as a DL4J
 * layer on {@code [n, width]}; the arithmetic is {@link KerasNormMath}.
 *
 * <p>Not DL4J's own BatchNormalization: that one moves its running statistics through the updater at fit time
 * (decay 0.9, epsilon 1e-5, optionally a log10 std), not in the forward call as Keras does; DL4J's dense-layer
 * layer norm has no offset β. Parameters ({@link KerasNormParams}): {@code gamma}, {@code beta} (trainable, Keras
 * init 1 and 0), and for Batch {@code moving_mean}, {@code moving_variance} (Keras init 0 and 1), which live in the
 * graph's flat parameter array so that checkpoints carry them, get a zero gradient (a Keras Adam step leaves them
 * exactly as they are) and move only in training calls.
 */
public final class KerasNorm extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    /** IBC's {@code normalizer} values. */
    public static final String BATCH = "Batch";
    public static final String LAYER = "Layer";
    public static final List<String> KINDS = List.of(BATCH, LAYER);
    /** Keras BatchNormalization defaults (IBC passes none). */
    public static final double BATCH_EPSILON = 1e-3;
    public static final double BATCH_MOMENTUM = 0.99;
    /** IBC's {@code LayerNormalization(epsilon=1e-6)}. */
    public static final double LAYER_EPSILON = 1e-6;
    /** Keras' decay tensor: {@code tf.convert_to_tensor(1.0 - momentum)} cast to float32 (Python double first). */
    public static final double BATCH_DECAY = 1.0 - BATCH_MOMENTUM;

    @JsonProperty
    private String kind;

    KerasNorm() {
        // for DL4J's JSON
    }

    /** A {@code kind} ('Batch' or 'Layer') layer over {@code width} features. */
    public KerasNorm(String kind, int width) {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("normalizer '" + kind + "' is not one of " + KINDS);
        }
        this.kind = kind;
        this.nIn = width;
        this.nOut = width;
    }

    public String getKind() {
        return kind;
    }

    public boolean isBatch() {
        return BATCH.equals(kind);
    }

    public double epsilon() {
        return isBatch() ? BATCH_EPSILON : LAYER_EPSILON;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int index,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType dataType) {
        KerasNormLayer layer = new KerasNormLayer(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(KerasNormParams.INSTANCE.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return KerasNormParams.INSTANCE;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        // Moving statistics are not trained (DL4J's own fit would otherwise step them).
        return KerasNormParams.isMoving(paramName) ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(KerasNormParams.INSTANCE.numParams(this), 0).workingMemory(0, 0, 0, 0)
                .cacheMemory(0, 0).build();
    }
}
