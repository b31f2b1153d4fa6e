package ibc4j.networks.pixel;

import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.networks.GraphCalls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The late-fusion pixel energy network; mirrors {@code PixelEBM} in {@code networks/pixel_ebm.py} (IBC db89ddb).
 * <pre>
 * encode(obs)    = encoder(image_prepro.preprocess(obs['rgb'], target_height, target_width))   [B, 256], once
 * f(obs, act)    = value(concat([tile_batch(encode(obs), N), act], -1)).squeeze(-1)            [B·N]
 * </pre>
 * Two DL4J graphs, because the encoder runs once per observation and the value network once per action sample
 * (IBC's late fusion): {@link #encoder()} (NCHW image → encoding) and {@link #value()} (inputs {@code encoding},
 * {@code action} → energy). ∂f/∂a is DL4J backprop through the value graph to its {@code action} input with the
 * encoding held fixed, as IBC's Langevin differentiates a call that receives {@code observation_encoding}.
 * Training backprops the value graph, sums the encoding gradient over each observation's N samples (the
 * transpose of the tiling) and backprops the encoder with it.
 *
 * <p>The observation is the normalized float image {@code [B, T, H, W, C]} (the data pipeline's
 * convert_image_dtype and per-pixel StdNormalizationLayer come first, as in IBC); PixelEBM stacks the T frames
 * into 3·T channels ({@link ImagePrepro}) and resizes. Only {@code obs['rgb']} is read, as in IBC.
 */
public final class PixelEBM {
    /** IBC's {@code encoder_network} values. */
    public static final List<String> ENCODERS = List.of("ConvMaxpoolEncoder", "SpatialAttentionEncoder");

    /**
     * {@code obs_spec['rgb'].shape}: sequence length T, height, width, channels; and the seed the initial weights
     * are drawn from (Keras draws them from TF's global seed; the caller derives this one from the run's).
     */
    public record ImageSpec(int sequenceLength, int height, int width, int channels, long initSeed) {
        public ImageSpec {
            Preconditions.checkArgument(sequenceLength >= 1 && height >= 1 && width >= 1 && channels >= 1,
                    "image spec: every dimension must be >= 1, got [%s, %s, %s, %s]", sequenceLength, height,
                    width, channels);
        }

        /** The spec with init seed 0 (for networks whose weights are set afterwards). */
        public ImageSpec(int sequenceLength, int height, int width, int channels) {
            this(sequenceLength, height, width, channels, 0);
        }

        /** Checks an observation batch {@code [B, T, H, W, C]} against the spec (IBC's tf.ensure_shape). */
        public void check(String what, INDArray rgb) {
            long[] s = rgb.shape();
            if (rgb.rank() != 5 || s[1] != sequenceLength || s[2] != height || s[3] != width || s[4] != channels) {
                throw new IllegalArgumentException(what + ": expected rgb [B, " + sequenceLength + ", " + height
                        + ", " + width + ", " + channels + "], got " + java.util.Arrays.toString(s));
            }
        }
    }

    private final ImageSpec spec;
    private final int actionDim;
    private final int targetHeight;
    private final int targetWidth;
    private final DenseResnetValue valueConfig;
    private final SpatialAttentionEncoder attention; // null: ConvMaxpoolEncoder
    private final int encodingWidth;
    private final ComputationGraph encoder;
    private final InputGradGraph value;
    private final KerasParams encoderParams;
    private final KerasParams valueParams;
    private final INDArray flat;

    private PixelEBM(ImageSpec spec, int actionDim, int targetHeight, int targetWidth, DenseResnetValue valueConfig,
                     SpatialAttentionEncoder attention, IUpdater updater, long seed, DataType dataType) {
        if (attention == null) {
            ConvMaxpoolEncoder.checkSize("PixelEBM", targetHeight, targetWidth);
        } else if (attention.targetHeight() != targetHeight || attention.targetWidth() != targetWidth) {
            throw new IllegalArgumentException("PixelEBM: SpatialAttentionEncoder built for " + attention
                    .targetHeight() + "x" + attention.targetWidth() + ", images resized to " + targetHeight + "x"
                    + targetWidth);
        }
        this.attention = attention;
        Preconditions.checkArgument(actionDim >= 1, "PixelEBM: action_spec must have >= 1 dimension");
        this.spec = spec;
        this.actionDim = actionDim;
        this.targetHeight = targetHeight;
        this.targetWidth = targetWidth;
        this.valueConfig = valueConfig;
        // num_channels = 3 * sequence_length; SpatialAttentionEncoder appends its 2 coord channels.
        int channels = spec.channels() * spec.sequenceLength() + (attention == null ? 0 : 2);
        GraphBuilder eb = builder(seed, updater, dataType).graphBuilder().addInputs("rgb")
                .setInputTypes(InputType.convolutional(targetHeight, targetWidth, channels));
        String encOut = attention == null ? ConvMaxpoolEncoder.addTo(eb, "rgb", channels)
                : attention.addTo(eb, "rgb", channels);
        this.encoder = new ComputationGraph(eb.setOutputs(encOut).build());
        this.encodingWidth = attention == null ? ConvMaxpoolEncoder.OUTPUT_WIDTH : attention.outputWidth();
        GraphBuilder vb = builder(seed + 1, updater, dataType).graphBuilder().addInputs("encoding", "action");
        vb.addVertex("value_input", new MergeVertex(), "encoding", "action"); // tf.concat([enc, act], -1)
        String out = valueConfig.addTo(vb, "value_input", encodingWidth + actionDim);
        ComputationGraphConfiguration vc = vb.setOutputs(out).build();
        this.value = new InputGradGraph(vc);
        // One flat parameter array, encoder then value network, both graphs initialised on views of it: what an
        // optimizer updates and a checkpoint stores as one vector (as the MLP networks have).
        long nEnc = encoder.getConfiguration().getVertices().values().stream().mapToLong(v -> v.numParams(true))
                .sum();
        long nVal = vc.getVertices().values().stream().mapToLong(v -> v.numParams(true)).sum();
        this.flat = Nd4j.create(dataType, 1, nEnc + nVal);
        encoder.init(flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, nEnc)).reshape(1, nEnc), false);
        value.init(flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(nEnc, nEnc + nVal)).reshape(1, nVal),
                false);
        // init(params, false) keeps the given values (zeros): draw Keras' initialisers into them.
        KerasParams.kerasConvInit(encoder, seed);
        KerasParams.normalInit(value, valueConfig.denseNames(), seed + 2);
        this.encoderParams = new KerasParams(encoder, attention == null ? ConvMaxpoolEncoder.CONV_LAYERS
                : attention.convNames());
        this.valueParams = new KerasParams(value, valueConfig.denseNames());
    }

    private static NeuralNetConfiguration.Builder builder(long seed, IUpdater updater, DataType dataType) {
        NeuralNetConfiguration.Builder nn = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(dataType)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE);
        if (updater != null) {
            nn.updater(updater);
        }
        return nn;
    }

    /** A PixelEBM with the ConvMaxpoolEncoder, initialised from {@code seed}. */
    public static PixelEBM create(ImageSpec spec, int actionDim, int targetHeight, int targetWidth,
                                  DenseResnetValue value, long seed) {
        return new PixelEBM(spec, actionDim, targetHeight, targetWidth, value, null, null, seed, DataType.FLOAT);
    }

    /**
     * A ConvMaxpoolEncoder PixelEBM computing in {@code dataType}: FLOAT is IBC's; DOUBLE serves as the float64
     * reference of parity tolerances (the image preprocessing stays float32, its output is cast).
     */
    public static PixelEBM create(ImageSpec spec, int actionDim, int targetHeight, int targetWidth,
                                  DenseResnetValue value, long seed, DataType dataType) {
        return new PixelEBM(spec, actionDim, targetHeight, targetWidth, value, null, null, seed, dataType);
    }

    /** A PixelEBM with a SpatialAttentionEncoder (its target size must be the resize's). */
    public static PixelEBM create(ImageSpec spec, int actionDim, SpatialAttentionEncoder encoder,
                                  DenseResnetValue value, long seed) {
        return new PixelEBM(spec, actionDim, encoder.targetHeight(), encoder.targetWidth(), value, encoder, null,
                seed, DataType.FLOAT);
    }

    /**
     * The {@code PixelEBM} gin configurable, IBC's constructor parameter for parameter. {@code value_network}
     * 'DenseResnetValue' is built through gin, as IBC's {@code get_value_network} calls the configurable.
     */
    @Configurable("PixelEBM")
    public static PixelEBM fromGin(
            @Param(value = "obs_spec", doc = "the image spec: a PixelEBM.ImageSpec (obs['rgb'].shape)")
            ImageSpec obsSpec,
            @Param(value = "action_spec", doc = "the action width (an Integer)") Object actionSpec,
            @Param(value = "encoder_network", doc = "'ConvMaxpoolEncoder' or 'SpatialAttentionEncoder'")
            String encoderNetwork,
            @Param(value = "value_network", doc = "'DenseResnetValue'") String valueNetwork,
            @Param(value = "target_height", dflt = "90", doc = "resize height") int targetHeight,
            @Param(value = "target_width", dflt = "120", doc = "resize width") int targetWidth,
            @Param(value = "name", dflt = "'PixelEBM'", doc = "unused") String name) {
        if (!ENCODERS.contains(encoderNetwork)) {
            throw new IllegalArgumentException("Unsupported encoder_network " + encoderNetwork + " (IBC's "
                    + "get_encoder_network accepts " + ENCODERS + ")");
        }
        if (!"DenseResnetValue".equals(valueNetwork)) {
            throw new IllegalArgumentException("Unsupported value_network " + valueNetwork
                    + " (IBC's get_value_network accepts only 'DenseResnetValue')");
        }
        if (!(actionSpec instanceof Integer a)) {
            throw new IllegalArgumentException("PixelEBM.action_spec: expected the action width, got " + actionSpec);
        }
        GinConfig gin = GinConfig.currentOrNull(); // null: called from Java, the code defaults
        DenseResnetValue v = gin == null ? DenseResnetValue.fromGin(512, 2)
                : (DenseResnetValue) gin.call("DenseResnetValue", Map.of());
        long seed = obsSpec.initSeed();
        if (encoderNetwork.equals("SpatialAttentionEncoder")) {
            if (gin == null) {
                throw new IllegalArgumentException("PixelEBM: SpatialAttentionEncoder.filters has no default; bind "
                        + "it in gin");
            }
            // IBC's get_encoder_network passes the target size; filters etc. come from gin.
            SpatialAttentionEncoder e = (SpatialAttentionEncoder) gin.call("SpatialAttentionEncoder", Map.of(
                    "target_height", targetHeight, "target_width", targetWidth));
            return create(obsSpec, a, e, v, seed);
        }
        return create(obsSpec, a, targetHeight, targetWidth, v, seed);
    }

    public ImageSpec imageSpec() {
        return spec;
    }

    public int actionDim() {
        return actionDim;
    }

    public int targetHeight() {
        return targetHeight;
    }

    public int targetWidth() {
        return targetWidth;
    }

    public DenseResnetValue valueConfig() {
        return valueConfig;
    }

    /** The SpatialAttentionEncoder, or null for the ConvMaxpoolEncoder. */
    public SpatialAttentionEncoder attention() {
        return attention;
    }

    /** Width of {@link #encode}'s output: 256, or 2·num_heads. */
    public int encodingWidth() {
        return encodingWidth;
    }

    /** The encoder graph: input {@code rgb} NCHW {@code [B, 3T, th, tw]}, output [B, 256]. */
    public ComputationGraph encoder() {
        return encoder;
    }

    /** The value graph: inputs {@code encoding} [R, 256] and {@code action} [R, A], output [R, 1]. */
    public ComputationGraph value() {
        return value;
    }

    // ------------------------------------------------------------------------------- parameters

    /** Every parameter in Keras layout and Keras' variable order (encoder convs first, then the value denses). */
    public Map<String, INDArray> params() {
        Map<String, INDArray> out = new LinkedHashMap<>(encoderParams.get());
        if (attention != null) {
            out.put(SpatialSoftmax.TEMPERATURE, temperature().reshape(1).dup());
        }
        out.putAll(valueParams.get());
        return out;
    }

    /** Sets every parameter from Keras-layout arrays (e.g. TF goldens). */
    public void setParams(Map<String, INDArray> values) {
        Map<String, INDArray> enc = new LinkedHashMap<>();
        Map<String, INDArray> val = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : values.entrySet()) {
            if (e.getKey().equals(SpatialSoftmax.TEMPERATURE) && attention != null) {
                temperature().assign(e.getValue().reshape(temperature().shape()));
                continue;
            }
            boolean encoderParam = attention == null ? e.getKey().startsWith("conv") : e.getKey().startsWith("sa_");
            (encoderParam ? enc : val).put(e.getKey(), e.getValue());
        }
        encoderParams.set(enc);
        valueParams.set(val);
    }

    /** Every trainable parameter as one flat {@code [1, n]} array, encoder then value network (a live array). */
    public INDArray flatParams() {
        return flat;
    }

    /**
     * A flat gradient {@code [1, n]} in {@link #flatParams()}' layout holding the given value-network gradients
     * (Keras names and layouts, e.g. {@link DenseResnetGradPenalty#paramGradient}); zeros everywhere else.
     */
    public INDArray flatValueGradient(Map<String, INDArray> keras) {
        INDArray out = Nd4j.zeros(flat.dataType(), 1, flat.length());
        for (String l : valueConfig.denseNames()) {
            for (String[] p : new String[][] {{"W", "_kernel"}, {"b", "_bias"}}) {
                INDArray view = value.getLayer(l).getParam(p[0]); // a view of flat
                INDArray g = keras.get(l + p[1]);
                Preconditions.checkArgument(g != null && g.length() == view.length(), "gradient %s%s: expected %s "
                        + "values", l, p[1], view.length());
                long start = view.offset() - flat.offset();
                out.get(NDArrayIndex.point(0), NDArrayIndex.interval(start, start + view.length())).assign(
                        Nd4j.toFlattened(view.ordering(), g.castTo(flat.dataType()).reshape(view.shape())));
            }
        }
        return out;
    }

    /**
     * A flat gradient (or parameter vector) of {@link #flatParams()}' layout as Keras-named arrays in Keras' layouts
     * (copies), the inverse of {@link #flatValueGradient} over every conv and dense layer.
     */
    public Map<String, INDArray> kerasGradients(INDArray flatGradient) {
        Preconditions.checkArgument(flatGradient.length() == flat.length(), "flat gradient: %s values, expected %s",
                flatGradient.length(), flat.length());
        INDArray row = flatGradient.reshape(1, flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String l : layerNames()) {
            ComputationGraph graph = valueConfig.denseNames().contains(l) ? value : encoder;
            for (String[] p : new String[][] {{"W", "_kernel"}, {"b", "_bias"}}) {
                INDArray view = graph.getLayer(l).getParam(p[0]);
                long start = view.offset() - flat.offset();
                INDArray g = row.get(NDArrayIndex.point(0), NDArrayIndex.interval(start, start + view.length()))
                        .dup().reshape(view.ordering(), view.shape());
                out.put(l + p[1], view.rank() == 4 ? g.permute(2, 3, 1, 0).dup('c')
                        : p[0].equals("b") ? g.reshape(g.length()).dup('c') : g.dup('c'));
            }
        }
        return out;
    }

    /** Number of encoder parameters: the first part of {@link #flatParams()} and of a flat gradient. */
    public long numEncoderParams() {
        return encoder.numParams();
    }

    // ------------------------------------------------------------------------------- forward

    private INDArray temperature() {
        return encoder.getLayer(SpatialAttentionEncoder.OUTPUT).getParam(SpatialSoftmax.TEMPERATURE);
    }

    /**
     * {@code image_prepro.preprocess} of normalized images, as NCHW for the encoder (plus the
     * SpatialAttentionEncoder's coord channels, which it concatenates first).
     */
    public INDArray preprocess(INDArray rgb) {
        spec.check("PixelEBM observation", rgb);
        INDArray x = ImagePrepro.preprocessNchw(rgb, targetHeight, targetWidth).castTo(flat.dataType());
        return attention == null ? x : Nd4j.concat(1, x, attention.coordinates().repeat(0, x.size(0)));
    }

    /** {@code PixelEBM.encode}: [B, T, H, W, C] normalized images → [B, 256]. */
    public INDArray encode(INDArray rgb) {
        return GraphCalls.output(encoder, false, preprocess(rgb))[0];
    }

    /** {@code nest_utils.tile_batch(x, n)}: each row repeated n times in a row → [B·n, F]. */
    public static INDArray tileBatch(INDArray x, int n) {
        long b = x.size(0);
        long f = x.size(1);
        return x.reshape(b, 1, f).repeat(1, n).reshape('c', b * n, f).dup('c');
    }

    /** {@code PixelEBM.call} without an encoding: encode once, tile per sample, value per sample → [B·N]. */
    public INDArray energies(INDArray rgb, INDArray actions) {
        long b = rgb.size(0);
        Preconditions.checkArgument(actions.size(0) % b == 0, "PixelEBM: %s action rows for %s observations",
                actions.size(0), b);
        return energiesGivenEncoding(tileBatch(encode(rgb), (int) (actions.size(0) / b)), actions);
    }

    /** {@code PixelEBM.call(..., observation_encoding=tiled)}: the value network only → [R]. */
    public INDArray energiesGivenEncoding(INDArray tiledEncoding, INDArray actions) {
        checkRows(tiledEncoding, actions);
        INDArray out = GraphCalls.output(value, false, tiledEncoding, actions.castTo(flat.dataType()))[0];
        return out.reshape(out.size(0));
    }

    /** f and ∂f/∂a ({@code [R]}, {@code [R, A]}) with the encoding held fixed, by DL4J backprop. */
    public record ActionGradient(INDArray energies, INDArray dfDa) {}

    /** f and ∂f/∂a through the value graph (what Langevin needs; IBC's gradient_wrt_act returns −∂f/∂a). */
    public ActionGradient actionGradient(INDArray tiledEncoding, INDArray actions) {
        checkRows(tiledEncoding, actions);
        INDArray ones = Nd4j.ones(flat.dataType(), actions.size(0), 1);
        InputGradGraph.Backprop bp = value.backprop(new INDArray[] {tiledEncoding,
                actions.castTo(flat.dataType())}, ones);
        return new ActionGradient(bp.output().reshape(actions.size(0)), bp.inputGradients()[1]);
    }

    /**
     * Gradient of {@code L = Σ_r dLdf[r]·f(obs_{r / N}, act_r)} with respect to every parameter, training-mode
     * forward (no dropout or normalization here, so the same as inference): the value graph's, and the encoder's
     * from the encoding gradient summed over each observation's N rows.
     *
     * @return the flat gradient {@code [1, n]} in {@link #flatParams()}' layout (a new array)
     */
    public INDArray paramGradient(INDArray rgb, INDArray actions, INDArray dLdf) {
        int b = (int) rgb.size(0);
        int n = (int) (actions.size(0) / b);
        INDArray images = preprocess(rgb);
        INDArray encoding = GraphCalls.output(encoder, false, images)[0];
        InputGradGraph.Backprop bp = value.backprop(new INDArray[] {tileBatch(encoding, n),
                actions.castTo(flat.dataType())}, dLdf.reshape(dLdf.length(), 1).castTo(flat.dataType()));
        INDArray dEnc = bp.inputGradients()[0].reshape(b, n, encoding.size(1)).sum(1);
        INDArray encGrad = GraphCalls.forward(encoder, images).backward(dEnc);
        return Nd4j.hstack(encGrad.reshape(1, encGrad.length()), bp.paramGradient().reshape(1,
                bp.paramGradient().length()));
    }

    private void checkRows(INDArray encoding, INDArray actions) {
        Preconditions.checkArgument(encoding.size(0) == actions.size(0) && actions.size(1) == actionDim,
                "PixelEBM value: encoding %s and actions %s (expected [R, %s])", encoding.shapeInfoToString(),
                actions.shapeInfoToString(), actionDim);
    }

    /** Names of the encoder's and the value graph's layers with parameters (Keras' order). */
    public List<String> layerNames() {
        List<String> out = new ArrayList<>(attention == null ? ConvMaxpoolEncoder.CONV_LAYERS
                : attention.convNames());
        out.addAll(valueConfig.denseNames());
        return out;
    }
}
