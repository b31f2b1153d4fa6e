package ibc4j.networks.pixel;

import ibc4j.networks.layers.KerasDropout;
import ibc4j.networks.layers.TrunkLayer;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What IBC's {@code ConvMLPMSE} ({@code networks/pixel_mse.py}) and {@code ConvMLPMDN} ({@code networks/pixel_mdn.py},
 * IBC db89ddb) share, as IBC writes it twice: the stacking, resize and coord-conv channels, the conv-maxpool encoder
 * and the {@code layers} trunk with Keras dropout, in one DL4J graph (input {@code rgb}: NCHW
 * {@code [B, 3T (+2), th, tw]}) whose head the network adds. The MLP and head get Keras 'normal' init (kernels and
 * biases), the convs glorot_uniform / zeros.
 */
final class ConvMlpBody {
    /** Adds a network's head on the trunk's output {@code top} of width {@code width}; returns its Dense names. */
    interface Head {
        List<String> addTo(GraphBuilder gb, String top, int width);
    }

    private final String owner;
    private final PixelEBM.ImageSpec spec;
    private final int targetHeight;
    private final int targetWidth;
    private final boolean coordConv;
    private final ComputationGraph graph;
    private final KerasParams params;
    private final INDArray coords;

    /**
     * @param owner the network's IBC name, for messages
     * @param head  its head; the graph's outputs are the head's Dense layers, in its order
     */
    ConvMlpBody(String owner, PixelEBM.ImageSpec spec, int actionDim, TrunkLayer trunk, boolean coordConv,
                int targetHeight, int targetWidth, long seed, Head head) {
        check(owner, actionDim, targetHeight, targetWidth);
        this.owner = owner;
        this.spec = spec;
        this.coordConv = coordConv;
        this.targetHeight = targetHeight;
        this.targetWidth = targetWidth;
        int channels = spec.channels() * spec.sequenceLength() + (coordConv ? 2 : 0);
        GraphBuilder gb = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder().addInputs("rgb")
                .setInputTypes(InputType.convolutional(targetHeight, targetWidth, channels));
        String cnn = ConvMaxpoolEncoder.addTo(gb, "rgb", channels);
        String top = trunk.addTo(gb, cnn, ConvMaxpoolEncoder.OUTPUT_WIDTH);
        List<String> headNames = head.addTo(gb, top, trunk.outputWidth());
        this.graph = new ComputationGraph(gb.setOutputs(headNames.toArray(new String[0])).build());
        graph.init();
        List<String> dense = new ArrayList<>(trunk.denseNames());
        dense.addAll(headNames);
        KerasParams.normalInit(graph, dense, seed + 1);
        List<String> all = new ArrayList<>(ConvMaxpoolEncoder.CONV_LAYERS);
        all.addAll(dense);
        this.params = new KerasParams(graph, all);
        this.coords = coordConv ? ImagePrepro.coordChannels(targetHeight, targetWidth) : null;
    }

    /** The resize target and the action width, checked before a network builds anything. */
    static void check(String owner, int actionDim, int targetHeight, int targetWidth) {
        ConvMaxpoolEncoder.checkSize(owner, targetHeight, targetWidth);
        Preconditions.checkArgument(actionDim >= 1, "%s: action_spec must have >= 1 dimension", owner);
    }

    ComputationGraph graph() {
        return graph;
    }

    PixelEBM.ImageSpec imageSpec() {
        return spec;
    }

    /** Every parameter in Keras layout and order (convs, MLP, head). */
    Map<String, INDArray> params() {
        return params.get();
    }

    void setParams(Map<String, INDArray> values) {
        params.set(values);
    }

    /** Stacked, resized, coord-conv image, NCHW: the cnn's input. */
    INDArray preprocess(INDArray rgb) {
        spec.check(owner + " observation", rgb);
        INDArray x = ImagePrepro.preprocessNchw(rgb, targetHeight, targetWidth);
        if (!coordConv) {
            return x;
        }
        return Nd4j.concat(1, x, coords.repeat(0, x.size(0)));
    }

    /** Where the dropout layers draw from in training calls until the binding is closed. */
    KerasDropout.Binding dropoutNoise(NoiseSource noise) {
        return KerasDropout.bind(graph, noise);
    }
}
