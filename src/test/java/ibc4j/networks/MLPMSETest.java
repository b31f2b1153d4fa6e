package ibc4j.networks;

import static ibc4j.networks.EbmKernelTest.assertClose;
import static ibc4j.networks.EbmKernelTest.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.data.SpecNode;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.normalizers.Normalizers;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.RestoresDefaultDataTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** MLPMSE's graph against a hand-written forward pass, Keras dropout, its backprop, gin construction. */
@ExtendWith(RestoresDefaultDataTypes.class)
class MLPMSETest {
    @Test
    void particleConfigHasKerasNamesShapesAndInit() {
        MLPMSE net = MLPMSE.create(MLPMSE.Config.particle(), 16, 2, 0);
        assertEquals(List.of("proj_kernel", "proj_bias", "block_dense1_kernel", "block_dense1_bias",
                "block_dense2_kernel", "block_dense2_bias", "head_kernel", "head_bias"), net.paramNames());
        long[][] shapes = {{16, 256}, {256}, {256, 256}, {256}, {256, 256}, {256}, {256, 2}, {2}};
        for (int i = 0; i < shapes.length; i++) {
            assertArrayEquals(shapes[i], net.param(net.paramNames().get(i)).shape(), net.paramNames().get(i));
        }
        // 16·256+256 + 2·(256·256+256) + 256·2+2 = 136,450 parameters.
        assertEquals(136_450, net.graph().numParams());
        // N(0, 0.05) for kernels and biases: the std's standard error is 0.05/√(2N) ≈ 1e-4.
        assertEquals(0.05, net.graph().params().stdNumber().doubleValue(), 5e-4);
        assertEquals(2, net.numDropoutLayers());
    }

    @Test
    void twoBlocksFollowKerasVariableOrder() {
        MLPMSE net = MLPMSE.create(MLPMSE.Config.particle().withWidth(8).withDepth(4), 6, 3, 0);
        assertEquals(List.of("proj_kernel", "proj_bias", "block0_dense1_kernel", "block0_dense1_bias",
                "block1_dense1_kernel", "block1_dense1_bias", "block0_dense2_kernel", "block0_dense2_bias",
                "block1_dense2_kernel", "block1_dense2_bias", "head_kernel", "head_bias"), net.paramNames());
        assertEquals(4, net.numDropoutLayers());
        MLPMSE mlp = MLPMSE.create(MLPMSE.Config.ibcDefaults().withWidth(8).withDepth(3), 6, 3, 0);
        assertEquals(List.of("dense0_kernel", "dense0_bias", "dense1_kernel", "dense1_bias", "dense2_kernel",
                "dense2_bias", "head_kernel", "head_bias"), mlp.paramNames());
        assertEquals(3, mlp.numDropoutLayers());
        assertEquals(0, MLPMSE.create(MLPMSE.Config.particle().withRate(0.0), 6, 3, 0).numDropoutLayers());
    }

    /** The ResNetPreActivation forward written out in double, with optional keep masks (scale applied). */
    private static double[][] reference(MLPMSE net, double[][] x, List<double[][]> masks) {
        int blocks = net.numBlocks();
        double[][] h = affine(x, net, "proj");
        int d = 0;
        for (int l = 0; l < blocks; l++) {
            String p = blocks == 1 ? "block" : "block" + l;
            double[][] r = relu(h);
            if (masks != null) {
                r = mul(r, masks.get(d++));
            }
            double[][] z = relu(affine(r, net, p + "_dense1"));
            if (masks != null) {
                z = mul(z, masks.get(d++));
            }
            double[][] u = affine(z, net, p + "_dense2");
            for (int i = 0; i < h.length; i++) {
                for (int j = 0; j < h[i].length; j++) {
                    h[i][j] += u[i][j];
                }
            }
        }
        return affine(h, net, "head");
    }

    private static double[][] affine(double[][] x, MLPMSE net, String dense) {
        INDArray w = net.param(dense + "_kernel");
        INDArray b = net.param(dense + "_bias");
        double[][] y = new double[x.length][(int) w.size(1)];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y[i].length; j++) {
                double s = b.getDouble(j);
                for (int k = 0; k < x[i].length; k++) {
                    s += x[i][k] * w.getDouble(k, j);
                }
                y[i][j] = s;
            }
        }
        return y;
    }

    private static double[][] relu(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            for (int j = 0; j < y[i].length; j++) {
                y[i][j] = Math.max(0, y[i][j]);
            }
        }
        return y;
    }

    private static double[][] mul(double[][] x, double[][] m) {
        double[][] y = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = x[i][j] * m[i][j];
            }
        }
        return y;
    }

    @ParameterizedTest
    @CsvSource({"2,ENABLED", "2,NONE", "4,ENABLED", "4,NONE"})
    void forwardMatchesHandWrittenResNetInBothModes(int depth, WorkspaceMode mode) {
        MLPMSE net = MLPMSE.create(MLPMSE.Config.particle().withWidth(16).withDepth(depth), 5, 2, 3, null, mode);
        net.graph().params().muli(4.0); // make the ReLUs matter
        INDArray obs = uniform(1, 9, 5, -2, 2);
        double[][] x = obs.castTo(DataType.DOUBLE).toDoubleMatrix();
        // Float32 graph against a double reference: 1e-5 covers a few ulps of values of size ~10.
        assertClose("inference", Nd4j.createFromArray(reference(net, x, null)), net.outputNormalized(obs), 1e-5,
                1e-5);
        // Training with replayed uniforms: keep where u >= 0.1, scale float32(1/0.9).
        List<INDArray> draws = new ArrayList<>();
        List<double[][]> masks = new ArrayList<>();
        double scale = (float) (1.0 / 0.9);
        for (int i = 0; i < net.numDropoutLayers(); i++) {
            INDArray u = uniform(10 + i, 9, 16, 0, 1).castTo(DataType.FLOAT);
            u.putScalar(0, 0, 0.1f);                   // exactly the rate: kept, as TF's u >= rate
            u.putScalar(0, 1, Math.nextDown(0.1f));    // just below: dropped
            draws.add(u);
            double[][] m = new double[9][16];
            for (int r = 0; r < 9; r++) {
                for (int c = 0; c < 16; c++) {
                    m[r][c] = u.getFloat(r, c) >= 0.1f ? scale : 0.0;
                }
            }
            masks.add(m);
        }
        INDArray train;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            train = net.call(obs, true);
        }
        assertClose("training with replayed dropout", Nd4j.createFromArray(reference(net, x, masks)), train, 1e-5,
                1e-5);
        assertThrows(IllegalStateException.class, () -> net.call(obs, false), "no act_denorm_layer: IBC fails too");
    }

    @Test
    void inferenceAppliesTheDenormLayerTrainingDoesNot() {
        Normalizers.Std std = new Normalizers.Std(new float[] {0.5f, -1f}, new float[] {0.25f, 2f});
        MLPMSE net = MLPMSE.create(MLPMSE.Config.particle().withWidth(8).withRate(0.0), 4, 2, 1, std,
                WorkspaceMode.ENABLED);
        INDArray obs = uniform(2, 3, 4, -1, 1);
        INDArray y = net.outputNormalized(obs);
        INDArray expected = Nd4j.create(std.denormalize(y.dup('c').data().asFloat()), y.shape(), 'c');
        assertEquals(expected, net.call(obs, false));
        assertEquals(y, net.call(obs, true), "rate 0: training output is the head, no denorm");
    }

    /** trainingPass differentiates the very masks its forward drew: central differences with the masks replayed. */
    @ParameterizedTest
    @CsvSource({"ResNetPreActivation,2,ENABLED", "ResNetPreActivation,4,NONE", "ResNetOrig,2,ENABLED",
            "MLPDropout,3,ENABLED"})
    void trainingPassGradientMatchesFiniteDifferencesInDouble(String layers, int depth, WorkspaceMode mode) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MLPMSE net = MLPMSE.create(new MLPMSE.Config(6, depth, 0.3, layers), 3, 2, 13, null, mode);
        net.graph().params().muli(8.0);
        INDArray obs = uniform(3, 7, 3, -2, 2);
        INDArray w = uniform(5, 7, 2, -1, 1);
        List<INDArray> draws = new ArrayList<>();
        for (int i = 0; i < net.numDropoutLayers(); i++) {
            draws.add(uniform(20 + i, 7, 6, 0, 1).castTo(DataType.FLOAT));
        }
        MLPMSE.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            pass = net.trainingPass(obs, y -> w); // L = Σ w ⊙ y
        }
        INDArray p = net.graph().params().reshape(net.graph().numParams());
        double eps = 1e-6;
        double worst = 0;
        double scale = pass.gradient().amaxNumber().doubleValue();
        for (long i = 0; i < p.length(); i++) {
            double v = p.getDouble(i);
            p.putScalar(i, v + eps);
            double lp = loss(net, obs, w, draws);
            p.putScalar(i, v - eps);
            double lm = loss(net, obs, w, draws);
            p.putScalar(i, v);
            worst = Math.max(worst, Math.abs((lp - lm) / (2 * eps) - pass.gradient().getDouble(i)) / scale);
        }
        // Double-precision central differences: ~1e-10 of the gradient's scale; a wrong mask would be O(1).
        assertTrue(worst < 1e-7, "trainingPass gradient vs finite differences: " + worst);
    }

    private static double loss(MLPMSE net, INDArray obs, INDArray w, List<INDArray> draws) {
        try (KerasDropout.Binding s = net.dropoutNoise(NoiseSource.replay(draws, List.of()))) {
            return net.call(obs, true).mul(w).sumNumber().doubleValue();
        }
    }

    @Test
    void ginBuildsItWithIbcsParameterNames() {
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse(String.join("\n", "MLPMSE.layers = 'ResNetPreActivation'", "MLPMSE.width = 16",
                "MLPMSE.depth = 2", "MLPMSE.rate = 0.1"), "test");
        Map<String, SpecNode> obs = new TreeMap<>();
        obs.put("pos_agent", TensorSpec.of("pos_agent", ibc4j.data.DType.FLOAT32, 2, 2));
        obs.put("vel_agent", TensorSpec.of("vel_agent", ibc4j.data.DType.FLOAT32, 2, 2));
        Map<String, Object> args = new HashMap<>();
        args.put("obs_spec", new SpecNode.Dict(new TreeMap<>(obs)));
        args.put("action_spec", TensorSpec.bounded("action", 0f, 1f, 2));
        args.put("act_denorm_layer", new Normalizers.Std(new float[] {0f, 0f}, new float[] {1f, 1f}));
        Nd4j.getRandom().setSeed(4);
        MLPMSE a = gin.make(MLPMSE.class, args);
        Nd4j.getRandom().setSeed(4);
        MLPMSE b = gin.make(MLPMSE.class, args);
        assertEquals(new MLPMSE.Config(16, 2, 0.1, "ResNetPreActivation"), a.config());
        assertEquals(8, a.obsDim(), "2 keys × T=2 × d=2");
        assertEquals(2, a.actionDim());
        assertEquals(a.graph().params(), b.graph().params(), "weights follow ND4J's global seed, as Keras' TF's");
        assertThrows(IllegalArgumentException.class,
                () -> MLPMSE.create(MLPMSE.Config.ibcDefaults().withLayers("MLP"), 4, 2, 0));
    }

    @Test
    void aSeededObsSpecFixesTheWeightsWhateverTheGlobalGenerator() {
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse(String.join("\n", "MLPMSE.width = 16", "MLPMSE.depth = 2"), "test");
        Map<String, Object> args = new HashMap<>();
        args.put("obs_spec", new MLPMSE.SeededObsSpec(6, 77));
        args.put("action_spec", 2);
        Nd4j.getRandom().setSeed(4);
        MLPMSE a = gin.make(MLPMSE.class, args);
        Nd4j.getRandom().setSeed(5);
        Nd4j.rand(DataType.FLOAT, 100); // the global generator moves on
        MLPMSE b = gin.make(MLPMSE.class, args);
        assertEquals(6, a.obsDim());
        assertEquals(a.graph().params(), b.graph().params(), "the spec's seed, not the global generator");
        args.put("obs_spec", new MLPMSE.SeededObsSpec(6, 78));
        assertNotEquals(a.graph().params(), gin.make(MLPMSE.class, args).graph().params());
    }
}
