package ibc4j.networks;

import static ibc4j.networks.EbmKernelTest.assertClose;
import static ibc4j.networks.EbmKernelTest.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.runtime.RestoresDefaultDataTypes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** MLPEBM's graph: init, named views, layout correctness in every mode, and its backprop. */
@ExtendWith(RestoresDefaultDataTypes.class)
class MLPEBMTest {
    @Test
    void particleConfigHasKerasNamesAndShapes() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle(), 16, 2, 0);
        assertEquals(List.of("proj_kernel", "proj_bias", "block_dense1_kernel", "block_dense1_bias",
                "block_dense2_kernel", "block_dense2_bias", "head_kernel", "head_bias"), net.paramNames());
        long[][] shapes = {{18, 256}, {256}, {256, 256}, {256}, {256, 256}, {256}, {256, 1}, {1}};
        for (int i = 0; i < shapes.length; i++) {
            assertArrayEquals(shapes[i], net.param(net.paramNames().get(i)).shape(), net.paramNames().get(i));
        }
        // spec §1.3: 136,705 parameters for width 256.
        assertEquals(136_705, net.graph().numParams());
        assertEquals(DataType.FLOAT, net.dataType());
    }

    @Test
    void initIsKerasRandomNormalForKernelsAndBiases() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle(), 16, 2, 0);
        INDArray all = net.graph().params();
        // N = 136,705 draws: the mean's standard error is 0.05/√N ≈ 1.4e-4, the std's ≈ 0.05/√(2N) ≈ 1e-4.
        assertEquals(0.0, all.meanNumber().doubleValue(), 6e-4);
        assertEquals(0.05, all.stdNumber().doubleValue(), 5e-4);
        INDArray biases = Nd4j.concat(0, net.param("proj_bias"), net.param("block_dense1_bias"),
                net.param("block_dense2_bias"), net.param("head_bias"));
        // 769 bias draws, NOT zero (DL4J's constant biasInit would give 0): std within ±10 % (≈4 standard errors).
        assertEquals(0.05, biases.stdNumber().doubleValue(), 0.005);
    }

    @Test
    void sameSeedSameParametersOtherSeedOthers() {
        MLPEBM a = MLPEBM.create(MLPEBM.Config.particle(), 16, 2, 42);
        MLPEBM b = MLPEBM.create(MLPEBM.Config.particle(), 16, 2, 42);
        MLPEBM c = MLPEBM.create(MLPEBM.Config.particle(), 16, 2, 43);
        assertEquals(a.graph().params(), b.graph().params());
        assertNotEquals(a.graph().params(), c.graph().params());
        INDArray obs = uniform(1, 5, 16, -1, 1);
        INDArray act = uniform(2, 5, 2, -1, 1);
        assertEquals(a.energies(obs, act), b.energies(obs, act));
    }

    @Test
    void viewsWriteThroughAndLayOverOtherArrays() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(8), 3, 2, 1);
        net.param("block_dense2_kernel").putScalar(1, 2, 7.0);
        net.param("head_bias").putScalar(0, -3.0);
        Map<String, INDArray> again = net.viewsOf(net.graph().params());
        for (String name : net.paramNames()) {
            assertEquals(net.param(name), again.get(name), name);
        }
        assertEquals(7.0, again.get("block_dense2_kernel").getDouble(1, 2));
        INDArray zeros = Nd4j.zeros(net.dataType(), net.graph().numParams());
        net.viewsOf(zeros).get("head_bias").assign(5);
        assertEquals(5.0, zeros.sumNumber().doubleValue());
    }

    @Test
    void setParamsLoadsKerasShapedArraysAndRejectsBadInput() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(8), 3, 2, 1);
        Map<String, INDArray> values = new HashMap<>();
        for (String name : net.paramNames()) {
            values.put(name, Nd4j.rand(DataType.FLOAT, net.param(name).shape())); // c-order, as .npy loads
        }
        net.setParams(values);
        for (String name : net.paramNames()) {
            assertEquals(values.get(name), net.param(name), name);
        }
        values.put("proj_kernel", Nd4j.rand(DataType.FLOAT, 6, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.setParams(values));
        assertTrue(e.getMessage().contains("proj_kernel: expected shape [5, 8]"), e.getMessage());
        values.remove("proj_kernel");
        e = assertThrows(IllegalArgumentException.class, () -> net.setParams(values));
        assertTrue(e.getMessage().contains("missing parameter 'proj_kernel'"), e.getMessage());
        values.put("dense_kernel", Nd4j.rand(DataType.FLOAT, 5, 8));
        e = assertThrows(IllegalArgumentException.class, () -> net.setParams(values));
        assertTrue(e.getMessage().contains("no parameter 'dense_kernel'"), e.getMessage());
    }

    @Test
    void configErrorsNameTheValue() {
        MLPEBM.Config p = MLPEBM.Config.particle();
        MLPEBM.Config bad = new MLPEBM.Config(8, 2, 0, "relu", "ResNetPreActivation", "normal", "normal",
                "spectral");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MLPEBM.create(bad, 3, 2, 0));
        assertTrue(e.getMessage().contains("'regular' or 'spectral_norm', got 'spectral'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MLPEBM.create(p.withLayers("ResNet"), 3, 2, 0));
        assertTrue(e.getMessage().contains("'ResNet' is not one of"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MLPEBM.create(p.withDepth(3), 3, 2, 0));
        assertTrue(e.getMessage().contains("even depth"), e.getMessage());
        MLPEBM.create(p.withLayers("MLPDropout").withDepth(3), 3, 2, 0); // MLPDropout takes any depth
    }

    /**
     * The layout is right in inference AND training, with workspaces off and on: graph output == kernel.
     * (Without the block-input copy, inference with workspaces off is wrong; see the next test.)
     */
    @ParameterizedTest
    @CsvSource({"ResNetPreActivation,2,NONE", "ResNetPreActivation,2,ENABLED", "ResNetPreActivation,4,NONE",
            "ResNetOrig,4,NONE", "ResNetOrig,4,ENABLED", "MLPDropout,2,NONE"})
    void graphMatchesKernelInInferenceAndTraining(String layers, int depth, WorkspaceMode mode) {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withLayers(layers).withWidth(64).withDepth(depth),
                16, 2, 9, null, mode);
        INDArray obs = uniform(3, 50, 16, -2, 2);
        INDArray act = uniform(4, 50, 2, -1, 1);
        INDArray expected = EbmKernel.create(net, 50).energies(obs, act).dup();
        // Same float32 math in another GEMM blocking: sums of ≤ 64 products of size ≲ 0.1 differ by a few ulps.
        assertClose("inference", expected, net.energies(obs, act), 1e-6, 1e-5);
        assertClose("training (rate 0)", expected, net.energiesTraining(obs, act), 1e-6, 1e-5);
        assertClose("inference again", expected, net.energies(obs, act), 1e-6, 1e-5);
    }

    /** Documents the DL4J hazard the layout avoids: ActivationLayer relu in place on a skip-shared input. */
    @Test
    void withoutTheCopyDl4jInferenceIsWrongWithWorkspacesOff() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(32), 4, 2, 5, null, WorkspaceMode.NONE);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE)
                .graphBuilder().addInputs("obs", "action")
                .addVertex("net_input", new MergeVertex(), "obs", "action")
                .addLayer("proj", dense(6, 32, Activation.IDENTITY), "net_input")
                .addLayer("relu1", new ActivationLayer(Activation.RELU), "proj")          // no copy
                .addLayer("dense1", dense(32, 32, Activation.RELU), "relu1")
                .addLayer("dense2", dense(32, 32, Activation.IDENTITY), "dense1")
                .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "proj", "dense2")
                .addLayer("head", dense(32, 1, Activation.IDENTITY), "residual")
                .setOutputs("head").build();
        ComputationGraph naive = new ComputationGraph(conf);
        naive.init(net.graph().params().dup(), false); // same topological parameter order
        INDArray obs = uniform(3, 20, 4, -2, 2);
        INDArray act = uniform(4, 20, 2, -1, 1);
        INDArray right = net.energies(obs, act);
        INDArray naiveInference = naive.output(false, obs, act)[0].reshape(20);
        INDArray naiveTraining = naive.output(true, obs, act)[0].reshape(20);
        assertClose("naive layout, training mode", right, naiveTraining, 1e-6, 1e-5);
        double err = naiveInference.sub(right).amaxNumber().doubleValue();
        assertTrue(err > 1e-3, "DL4J's in-place ActivationLayer seems fixed (err " + err
                + "): the ScaleVertex copy in ResNetPreActivationLayer may be dropped");
    }

    private static DenseLayer dense(int in, int out, Activation a) {
        return new DenseLayer.Builder().nIn(in).nOut(out).activation(a).build();
    }

    /** The graph's training-mode backprop (the info_nce path) against central differences in double. */
    @ParameterizedTest
    @CsvSource({"ResNetPreActivation,4,ENABLED", "ResNetPreActivation,2,NONE", "ResNetOrig,2,ENABLED",
            "MLPDropout,2,ENABLED"})
    void graphParamGradientMatchesFiniteDifferencesInDouble(String layers, int depth, WorkspaceMode mode) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withLayers(layers).withWidth(6).withDepth(depth),
                3, 2, 13, null, mode);
        net.graph().params().muli(8.0);
        INDArray obs = uniform(3, 7, 3, -2, 2);
        INDArray act = uniform(4, 7, 2, -1, 1);
        INDArray dLdf = uniform(5, 7, 1, -1, 1).reshape(7);
        INDArray grad = net.paramGradient(obs, act, dLdf);
        double worst = finiteDifferenceError(net, grad,
                () -> net.energiesTraining(obs, act).mul(dLdf).sumNumber().doubleValue());
        System.out.printf("FD graph backprop %s depth %d %s: max err / max |grad| %.2e%n", layers, depth, mode, worst);
        // Double precision central differences: ~1e-10 of the gradient scale; a wrong path would be O(1).
        assertTrue(worst < 1e-7, "graph gradient vs finite differences: " + worst);
    }

    private static MLPEBM.Config spectral(int width) {
        return new MLPEBM.Config(width, 2, 0, "relu", "ResNetPreActivation", "normal", "normal", "spectral_norm");
    }

    /** DenseSN: kernels read the call's W̄ (graph == kernel); training=False keeps u, training=True advances it. */
    @Test
    void spectralNormCallsKeepOrAdvanceUAndKernelsSeeTheNormalisedWeights() {
        MLPEBM net = MLPEBM.create(spectral(32), 16, 2, 4);
        assertTrue(net.spectralNorm());
        assertEquals(List.of("proj", "block_dense1", "block_dense2", "head"),
                List.copyOf(net.spectralNormState().keySet()));
        Map<String, INDArray> u0 = new HashMap<>();
        net.spectralNormState().forEach((k, v) -> u0.put(k, v.dup()));
        INDArray raw = net.graph().params().dup();
        INDArray obs = uniform(3, 40, 16, -2, 2);
        INDArray act = uniform(4, 40, 2, -1, 1);
        INDArray graph = net.energies(obs, act).dup();
        assertClose("kernel = graph on W̄", graph, EbmKernel.create(net, 40).energies(obs, act), 1e-6, 1e-5);
        net.spectralNormState().forEach((k, v) -> assertEquals(u0.get(k), v, "training=False keeps u of " + k));
        // W̄ of the head: its kernel divided by σ, so the normalised weights differ from the parameters.
        assertNotEquals(net.param("head_kernel"), net.forwardParam("head_kernel"));
        assertEquals(net.param("head_bias"), net.forwardParam("head_bias"));
        net.call(true);
        net.spectralNormState().forEach((k, v) -> {
            assertNotEquals(u0.get(k), v, "training=True advances u of " + k);
            assertEquals(1.0, v.norm2Number().doubleValue(), 1e-5, "u' is unit length");
        });
        assertEquals(raw, net.graph().params(), "a call never touches the parameters");
    }

    /** Through DenseSN: the graph's backprop mapped by the call = central differences of f in the raw weights. */
    @Test
    void spectralNormParamGradientMatchesFiniteDifferencesInDouble() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MLPEBM net = MLPEBM.create(spectral(6), 3, 2, 13);
        INDArray obs = uniform(3, 7, 3, -2, 2);
        INDArray act = uniform(4, 7, 2, -1, 1);
        INDArray dLdf = uniform(5, 7, 1, -1, 1).reshape(7);
        MLPEBM.Call call = net.call(false);
        INDArray forward = net.paramGradient(obs, act, dLdf);
        INDArray grad = call.toParamGradient(forward);
        double scale = grad.amaxNumber().doubleValue();
        double worst = finiteDifferenceError(net, grad,
                () -> net.energies(obs, act).mul(dLdf).sumNumber().doubleValue());
        assertTrue(worst < 1e-7, "spectral-norm gradient vs finite differences: " + worst);
        assertTrue(grad.sub(forward).amaxNumber().doubleValue() > 1e-3 * scale, "the mapping should matter");
    }

    /** max_i |central difference of loss in parameter i − grad[i]| / max|grad|, in double (step 1e-6). */
    private static double finiteDifferenceError(MLPEBM net, INDArray grad, java.util.function.DoubleSupplier loss) {
        INDArray p = net.graph().params().reshape(net.graph().numParams());
        double eps = 1e-6;
        double worst = 0;
        double scale = grad.amaxNumber().doubleValue();
        for (long i = 0; i < p.length(); i++) {
            double v = p.getDouble(i);
            p.putScalar(i, v + eps);
            double lp = loss.getAsDouble();
            p.putScalar(i, v - eps);
            double lm = loss.getAsDouble();
            p.putScalar(i, v);
            worst = Math.max(worst, Math.abs((lp - lm) / (2 * eps) - grad.getDouble(i)) / scale);
        }
        return worst;
    }

    @Test
    void dropoutActsOnlyInTraining() {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(64).withRate(0.5), 4, 2, 3);
        INDArray before = net.graph().params().dup();
        INDArray obs = uniform(3, 30, 4, -2, 2);
        INDArray act = uniform(4, 30, 2, -1, 1);
        INDArray kernel = EbmKernel.create(net, 30).energies(obs, act).dup();
        assertClose("inference ignores dropout", kernel, net.energies(obs, act), 1e-6, 1e-5);
        assertTrue(net.energiesTraining(obs, act).sub(kernel).amaxNumber().doubleValue() > 1e-4,
                "training-mode output should see dropout");
        assertEquals(before, net.graph().params());
        assertClose("inference after training pass", kernel, net.energies(obs, act), 1e-6, 1e-5);
    }
}
