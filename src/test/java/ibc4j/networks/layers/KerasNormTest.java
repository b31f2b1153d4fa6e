package ibc4j.networks.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.networks.MLPEBM;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.MLPMSE;
import ibc4j.runtime.RestoresDefaultDataTypes;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ResNet normalizers in MLPMSE / MLPEBM / MLPMDN graphs: Keras' names and initial values, the training and
 * inference behaviour of Batch and Layer against a direct float64 formula, and the graph's backprop against
 * central differences in float64. (Values against TF: the resnet_normalizers parity rows.)
 */
@ExtendWith(RestoresDefaultDataTypes.class)
class KerasNormTest {
    @BeforeEach
    void f64() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static INDArray randn(Random r, int n, int w, double scale, double shift) {
        double[] v = new double[n * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * scale + shift;
        }
        return Nd4j.create(v, new long[] {n, w}, DataType.DOUBLE);
    }

    @Test
    void kerasNamesOrderAndInitialValues() {
        MLPMSE net = MLPMSE.create(new MLPMSE.Config(8, 4, 0.0, "ResNetPreActivation", "Batch"), 5, 2, 0);
        assertEquals(List.of("proj_kernel", "proj_bias", "block0_dense1_kernel", "block0_dense1_bias",
                "block1_dense1_kernel", "block1_dense1_bias", "block0_norm1_gamma", "block0_norm1_beta",
                "block1_norm1_gamma", "block1_norm1_beta", "block0_dense2_kernel", "block0_dense2_bias",
                "block1_dense2_kernel", "block1_dense2_bias", "block0_norm2_gamma", "block0_norm2_beta",
                "block1_norm2_gamma", "block1_norm2_beta", "head_kernel", "head_bias",
                "block0_norm1_moving_mean", "block0_norm1_moving_variance", "block1_norm1_moving_mean",
                "block1_norm1_moving_variance", "block0_norm2_moving_mean", "block0_norm2_moving_variance",
                "block1_norm2_moving_mean", "block1_norm2_moving_variance"), net.paramNames());
        for (String n : net.paramNames()) {
            INDArray p = net.param(n);
            if (n.endsWith("_gamma") || n.endsWith("_moving_variance")) {
                assertEquals(1.0, p.minNumber().doubleValue(), n);
                assertEquals(1.0, p.maxNumber().doubleValue(), n);
                assertArrayEquals(new long[] {8}, p.shape(), n);
            } else if (n.endsWith("_beta") || n.endsWith("_moving_mean")) {
                assertEquals(0.0, p.amaxNumber().doubleValue(), n);
            }
        }
        // 4·(8·4) norm values on top of the dense ones: proj 5·8+8, 4 dense 8·8+8, head 8·2+2.
        assertEquals(48 + 4 * 72 + 18 + 4 * 32, net.graph().numParams());
        MLPMSE layer = MLPMSE.create(new MLPMSE.Config(8, 2, 0.0, "ResNetOrig", "Layer"), 5, 2, 0);
        assertEquals(List.of("proj_kernel", "proj_bias", "block_dense1_kernel", "block_dense1_bias",
                "block_norm1_gamma", "block_norm1_beta", "block_dense2_kernel", "block_dense2_bias",
                "block_norm2_gamma", "block_norm2_beta", "head_kernel", "head_bias"), layer.paramNames());
    }

    @Test
    void unknownNormalizerAndKernelsRefuse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MLPMSE.create(
                new MLPMSE.Config(8, 2, 0.0, "ResNetPreActivation", "batch"), 5, 2, 0));
        assertTrue(e.getMessage().contains("'batch' is not one of [Batch, Layer]"), e.getMessage());
        MLPEBM.Config c = MLPEBM.Config.particle().withWidth(8).withNormalizer("Layer");
        MLPEBM ebm = MLPEBM.create(c, 4, 2, 0);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> ibc4j.networks.EbmKernel.requireSupported(c, false));
        assertTrue(u.getMessage().startsWith("ResNetLayer.normalizer = 'Layer' with MLPEBM: ibc4j's Langevin"),
                u.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> ibc4j.networks.EbmKernel.create(ebm, 4));
        // MLPDropout has no normalizer, in IBC too: the binding is ignored and the kernels run.
        ibc4j.networks.EbmKernel.requireSupported(c.withLayers("MLPDropout"), false);
    }

    /** One Batch block by hand: training uses the batch's statistics and moves the averages once per call. */
    @ParameterizedTest
    @ValueSource(strings = {"ResNetPreActivation", "ResNetOrig"})
    void batchTrainingAndInference(String layers) {
        Random r = new Random(1);
        MLPMSE net = MLPMSE.create(new MLPMSE.Config(6, 2, 0.0, layers, "Batch"), 3, 2, 7);
        INDArray obs = randn(r, 10, 3, 2.0, 0.5);
        INDArray h = obs.mmul(net.param("proj_kernel")).addRowVector(net.param("proj_bias"));
        // The first norm reads the block input (pre-activation) or dense1(h) (original).
        INDArray normIn = layers.equals("ResNetOrig")
                ? h.mmul(net.param("block_dense1_kernel")).addRowVector(net.param("block_dense1_bias")) : h;
        INDArray mean = normIn.mean(0);
        INDArray var = normIn.var(false, 0);
        net.call(obs, true);
        double decay = 1.0 - 0.99; // float64 graph: Keras casts the Python double to the variable dtype
        assertArrayEquals(mean.mul(decay).toDoubleVector(), net.param("block_norm1_moving_mean").toDoubleVector(),
                1e-12);
        assertArrayEquals(var.sub(1).mul(decay).add(1).toDoubleVector(),
                net.param("block_norm1_moving_variance").toDoubleVector(), 1e-12);
        INDArray mm = net.param("block_norm1_moving_mean").dup();
        INDArray y1 = net.outputNormalized(obs);
        INDArray y2 = net.outputNormalized(obs);
        assertEquals(y1, y2);
        assertEquals(mm, net.param("block_norm1_moving_mean"), "inference leaves the moving statistics");
        // A second training call moves them again: m ← m − (m − μ)·decay.
        net.call(obs, true);
        assertArrayEquals(mm.sub(mm.sub(mean).mul(decay)).toDoubleVector(),
                net.param("block_norm1_moving_mean").toDoubleVector(), 1e-12);
        // The first norm's output in both modes, by the formula.
        double[] gamma = randn(r, 1, 6, 0.3, 1.0).toDoubleVector();
        net.param("block_norm1_gamma").assign(Nd4j.createFromArray(gamma));
        net.param("block_norm1_beta").assign(randn(r, 1, 6, 0.3, 0).reshape(6));
        Map<String, INDArray> train = net.graph().feedForward(new INDArray[] {obs}, true, false);
        INDArray expTrain = normIn.subRowVector(mean).divRowVector(sqrt(var.add(1e-3)))
                .mulRowVector(net.param("block_norm1_gamma")).addRowVector(net.param("block_norm1_beta"));
        assertEquals(0, expTrain.sub(train.get("block_norm1")).amaxNumber().doubleValue(), 1e-12);
        INDArray mv = net.param("block_norm1_moving_variance");
        INDArray m2 = net.param("block_norm1_moving_mean");
        INDArray expInf = normIn.subRowVector(m2).divRowVector(sqrt(mv.add(1e-3)))
                .mulRowVector(net.param("block_norm1_gamma")).addRowVector(net.param("block_norm1_beta"));
        MLPMSE probe = MLPMSE.create(new MLPMSE.Config(6, 2, 0.0, layers, "Batch"), 3, 2, 7);
        probe.graph().params().assign(net.graph().params());
        Map<String, INDArray> inf = probe.graph().feedForward(new INDArray[] {obs}, true, false);
        assertTrue(expInf.sub(expTrain).amaxNumber().doubleValue() > 1e-3, "the modes differ here");
        INDArray infNorm = net.graph().getLayer("block_norm1").activate(obs.mmul(net.param("proj_kernel"))
                        .addRowVector(net.param("proj_bias")), false,
                org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
        if (layers.equals("ResNetPreActivation")) {
            assertEquals(0, expInf.sub(infNorm).amaxNumber().doubleValue(), 1e-12);
        }
        assertEquals(inf.keySet(), train.keySet());
    }

    private static INDArray sqrt(INDArray a) {
        return org.nd4j.linalg.ops.transforms.Transforms.sqrt(a, true);
    }

    /** Layer normalizes each row over its features, the same in both modes; it has no moving statistics. */
    @Test
    void layerNormIsPerRowAndModeFree() {
        Random r = new Random(2);
        MLPMSE net = MLPMSE.create(new MLPMSE.Config(6, 2, 0.0, "ResNetPreActivation", "Layer"), 3, 2, 7);
        net.param("block_norm1_gamma").assign(randn(r, 1, 6, 0.3, 1.0).reshape(6));
        net.param("block_norm1_beta").assign(randn(r, 1, 6, 0.3, 0).reshape(6));
        INDArray obs = randn(r, 5, 3, 2.0, 0.5);
        INDArray h = obs.mmul(net.param("proj_kernel")).addRowVector(net.param("proj_bias"));
        INDArray mean = h.mean(true, 1);
        INDArray var = h.var(false, 1).reshape(5, 1);
        INDArray exp = h.subColumnVector(mean).divColumnVector(sqrt(var.add(1e-6)))
                .mulRowVector(net.param("block_norm1_gamma")).addRowVector(net.param("block_norm1_beta"));
        Map<String, INDArray> train = net.graph().feedForward(new INDArray[] {obs}, true, false);
        assertEquals(0, exp.sub(train.get("block_norm1")).amaxNumber().doubleValue(), 1e-12);
        assertEquals(net.call(obs, true), net.outputNormalized(obs), "no mode difference without dropout");
    }

    /**
     * The graph's parameter gradient and input gradient of {@code L = Σ c·y} against central differences, in
     * float64 and training mode (Batch's statistics are the batch's, so the loss is a smooth function).
     */
    @ParameterizedTest
    @CsvSource({"ResNetPreActivation,Batch", "ResNetPreActivation,Layer", "ResNetOrig,Batch", "ResNetOrig,Layer"})
    void backpropMatchesCentralDifferences(String layers, String norm) {
        Random r = new Random(3);
        MLPMSE net = MLPMSE.create(new MLPMSE.Config(5, 2, 0.0, layers, norm), 3, 2, 11);
        net.param("block_norm1_gamma").assign(randn(r, 1, 5, 0.3, 1.0).reshape(5));
        net.param("block_norm2_beta").assign(randn(r, 1, 5, 0.3, 0).reshape(5));
        INDArray obs = randn(r, 7, 3, 1.5, 0.3);
        INDArray c = randn(r, 7, 2, 1.0, 0);
        INDArray grad = net.trainingPass(obs, y -> c).gradient();
        Map<String, INDArray> views = net.viewsOf(grad);
        INDArray flat = net.graph().params();
        for (String name : net.paramNames()) {
            INDArray p = net.param(name);
            INDArray g = views.get(name);
            for (int k = 0; k < p.length(); k += 2) {
                double v = p.getDouble(k);
                double eps = 1e-6;
                INDArray saved = flat.dup();
                p.putScalar(k, v + eps);
                double up = loss(net, obs, c);
                flat.assign(saved);
                p.putScalar(k, v - eps);
                double down = loss(net, obs, c);
                flat.assign(saved);
                double fd = name.contains("moving") ? 0 : (up - down) / (2 * eps);
                assertEquals(fd, g.getDouble(k), 1e-6 * Math.max(1, Math.abs(fd)), name + "[" + k + "]");
            }
        }
    }

    private static double loss(MLPMSE net, INDArray obs, INDArray c) {
        return net.call(obs, true).mul(c).sumNumber().doubleValue();
    }

    /** DL4J's JSON form and clone of a normalized graph keep the layers' kinds (and so their parameter counts). */
    @Test
    void graphConfigurationRoundTripsThroughJson() {
        MLPMSE net = MLPMSE.create(new MLPMSE.Config(8, 2, 0.0, "ResNetOrig", "Batch"), 5, 2, 0);
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = net.graph().getConfiguration();
        for (org.deeplearning4j.nn.conf.ComputationGraphConfiguration c : List.of(conf.clone(),
                org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson()))) {
            org.deeplearning4j.nn.graph.ComputationGraph g = new org.deeplearning4j.nn.graph.ComputationGraph(c);
            g.init(net.graph().params().dup(), false);
            assertEquals(net.graph().numParams(), g.numParams());
            assertEquals(KerasNorm.BATCH, ((KerasNorm) ((org.deeplearning4j.nn.conf.graph.LayerVertex) c.getVertices()
                    .get("block_norm2")).getLayerConf().getLayer()).getKind());
        }
    }

    @Test
    void mdnAndEbmGraphsCarryTheNormalizer() {
        MLPMDN mdn = MLPMDN.create(MLPMDN.Config.d4rl().withNormalizer("Batch"), 4, 2, 0);
        assertTrue(mdn.params().containsKey("block_norm2_moving_variance"), mdn.params().keySet().toString());
        MLPEBM ebm = MLPEBM.create(MLPEBM.Config.particle().withWidth(8).withNormalizer("Batch"), 4, 2, 0);
        INDArray obs = randn(new Random(4), 6, 4, 1, 0);
        INDArray act = randn(new Random(5), 6, 2, 1, 0);
        INDArray before = ebm.param("block_norm1_moving_mean").dup();
        INDArray e1 = ebm.energies(obs, act);
        assertEquals(before, ebm.param("block_norm1_moving_mean"), "energies() is an inference call");
        try (MLPEBM.TrainingPass pass = ebm.trainingPass(obs, act)) {
            assertEquals(6, pass.energies().length());
            INDArray g = pass.paramGradient(Nd4j.ones(DataType.DOUBLE, 6));
            assertEquals(0, ebm.viewsOf(g).get("block_norm1_moving_mean").amaxNumber().doubleValue());
            assertTrue(ebm.viewsOf(g).get("block_norm1_gamma").amaxNumber().doubleValue() > 0);
        }
        assertTrue(before.sub(ebm.param("block_norm1_moving_mean")).amaxNumber().doubleValue() > 0,
                "the training pass moved the statistics once");
        assertEquals(6, e1.length());
    }
}
