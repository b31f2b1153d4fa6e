package ibc4j.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.losses.GradientLoss;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link ImplicitBCAgent} on tiny networks: it learns, it lays out counter examples as IBC, it stops on NaN. */
class ImplicitBCAgentTest {
    private static final SamplingSpec SPEC = new SamplingSpec(null, null, -1f, 1f);

    private static MLPEBM tinyNet(long seed) {
        return MLPEBM.create(MLPEBM.Config.particle().withWidth(32), 2, 1, seed);
    }

    private static ImplicitBCAgent agent(MLPEBM net, float lr, int n) {
        return ImplicitBCAgent.builder(net, new KerasAdam(new ExponentialDecay(lr, 100, 0.99f),
                net.graph().numParams()), SPEC).numCounterExamples(n)
                .langevin(LangevinConfig.ibcDefaults().withNumIterations(5)).build();
    }

    /** Toy behaviour: the action is a fixed function of the observation, a = 0.8·tanh(2·o0 − o1). */
    private static INDArray[] toyBatch(int b, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[][] obs = new float[b][2];
        float[][] act = new float[b][1];
        for (int i = 0; i < b; i++) {
            obs[i][0] = (float) r.nextGaussian();
            obs[i][1] = (float) r.nextGaussian();
            act[i][0] = (float) (0.8 * Math.tanh(2 * obs[i][0] - obs[i][1]));
        }
        return new INDArray[] {Nd4j.createFromArray(obs), Nd4j.createFromArray(act)};
    }

    @Test
    void trainingLowersTheLossOnAFixedSetOfCounterExamples() {
        MLPEBM net = tinyNet(3);
        ImplicitBCAgent agent = agent(net, 1e-2f, 8);
        INDArray[] batch = toyBatch(64, 11);
        // A fixed yardstick: the same counter examples before and after training.
        ImplicitBCAgent.CounterExamples probe = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(5));
        float before = agent.loss(batch[0], batch[1], probe).totalLoss();
        NoiseSource noise = NoiseSource.seeded(7);
        for (int step = 0; step < 60; step++) {
            agent.train(batch[0], batch[1], noise);
        }
        float after = agent.loss(batch[0], batch[1], probe).totalLoss();
        assertEquals(60, agent.trainStep());
        assertEquals(60, agent.optimizer().iterations());
        // From ln 9 = 2.197 (n = 8, untrained). The grad penalty keeps |∂f/∂a| near 1, so the logit gap to a
        // uniform counter example is at most ~|a − a*| and the loss cannot go far below ~1.6 here.
        assertTrue(before > 2.1 && after < 0.8 * before, "loss " + before + " → " + after);
    }

    /** get_eval_loss is _loss(training=False): DenseSN's u stays, no weight moves, no parameter gradient. */
    @Test
    void evalLossRunsTheNetworkInInferenceModeWithoutGradients() {
        MLPEBM net = MLPEBM.create(new MLPEBM.Config(32, 2, 0, "relu", "ResNetPreActivation", "normal", "normal",
                "spectral_norm"), 2, 1, 6);
        ImplicitBCAgent agent = agent(net, 1e-3f, 4);
        INDArray[] batch = toyBatch(16, 4);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(3));
        Map<String, INDArray> u0 = new HashMap<>();
        net.spectralNormState().forEach((k, v) -> u0.put(k, v.dup()));
        INDArray params0 = net.graph().params().dup();

        ImplicitBCAgent.Loss eval = agent.evalLoss(batch[0], batch[1], ce);
        net.spectralNormState().forEach((k, v) -> assertEquals(u0.get(k), v, "eval loss kept u of " + k));
        assertEquals(params0, net.graph().params(), "no weight moved");
        assertEquals(null, eval.gradTotal());
        assertEquals(null, eval.gradEbmLoss());
        assertEquals(null, eval.penalty().paramGradient());
        assertEquals(0, agent.optimizer().iterations());
        assertTrue(Float.isFinite(eval.totalLoss()) && eval.totalLoss() > 0, "loss " + eval.totalLoss());
        assertEquals(eval.totalLoss(), agent.evalLoss(batch[0], batch[1], ce).totalLoss(), "repeatable: u unchanged");

        // The training-mode loss advances u (twice: prediction pass and penalty); its prediction pass uses the same
        // W̄ as the eval call (one power iteration from the stored u), so the InfoNCE parts agree.
        ImplicitBCAgent.Loss train = agent.loss(batch[0], batch[1], ce);
        assertNotEquals(u0.get(net.spectralNormState().keySet().iterator().next()),
                net.spectralNormState().values().iterator().next(), "training=True advanced u");
        assertEquals(eval.perExampleEbmLoss(), train.perExampleEbmLoss());
    }

    @Test
    void evalLossOfARegularNetworkEqualsTheTrainingLoss() {
        MLPEBM net = tinyNet(5);
        ImplicitBCAgent agent = agent(net, 1e-3f, 4);
        INDArray[] batch = toyBatch(16, 8);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(2));
        ImplicitBCAgent.Loss eval = agent.evalLoss(batch[0], batch[1], ce);
        ImplicitBCAgent.Loss train = agent.loss(batch[0], batch[1], ce);
        // Rate 0: both modes compute the same function; the penalty's ∂f/∂a comes from two kernel paths (with and
        // without the double backprop) whose float32 sums may round differently: a few ulps of a loss near 2.
        assertEquals(train.totalLoss(), eval.totalLoss(), 1e-5f * Math.abs(train.totalLoss()));
        assertTrue(train.penalty().norms().equalsWithEps(eval.penalty().norms(), 1e-6), "same ∂f/∂a norms");
    }

    @Test
    void counterExamplesAreLaidOutAsIbcDoes() {
        MLPEBM net = tinyNet(1);
        int n = 4;
        ImplicitBCAgent agent = agent(net, 1e-3f, n);
        INDArray[] batch = toyBatch(3, 2);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(9));
        assertEquals(5, ce.chain().energies().size(0), "the gin binding reached the chain");
        assertEquals(java.util.List.of(3L, 4L, 1L), java.util.List.of(ce.counterExamples().shape()[0],
                ce.counterExamples().shape()[1], ce.counterExamples().shape()[2]));
        for (int b = 0; b < 3; b++) {
            for (int j = 0; j < n; j++) {
                assertEquals(ce.counterExamples().getFloat(b, j, 0), ce.combined().getFloat(b * (n + 1) + j, 0));
            }
            assertEquals(batch[1].getFloat(b, 0), ce.combined().getFloat(b * (n + 1) + n, 0), "true action last");
        }
        INDArray c = ce.counterExamples();
        assertTrue(c.minNumber().floatValue() >= -1f && c.maxNumber().floatValue() <= 1f, "inside the sampling spec");
    }

    @Test
    void fractionsSplitTheColumnsUniformThenLangevin() {
        MLPEBM net = tinyNet(4);
        Map<String, Object> args = new HashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", null);
        args.put("action_sampling_spec", SPEC);
        args.put("cloning_network", net);
        args.put("optimizer", new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), net.graph().numParams()));
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parse("ImplicitBCAgent.num_counter_examples = 4\nImplicitBCAgent.fraction_langevin_samples = 0.5\n"
                + "langevin_actions_given_obs.num_iterations = 3\n", "test");
        ImplicitBCAgent agent = gin.make(ImplicitBCAgent.class, args);
        INDArray[] batch = toyBatch(2, 3);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(1));
        INDArray uniform = ce.initial().reshape(2, 4, 1);
        INDArray first = ce.counterExamples().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2), NDArrayIndex.all());
        INDArray second = ce.counterExamples().get(NDArrayIndex.all(), NDArrayIndex.interval(2, 4),
                NDArrayIndex.all());
        assertEquals(uniform.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2), NDArrayIndex.all()), first,
                "int(0.5·4) = 2 uniform columns first");
        assertNotEquals(uniform.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 4), NDArrayIndex.all()), second,
                "then the Langevin columns");
    }

    @Test
    void aNanLossStopsTrainingAndNamesTheStepAndTensor() {
        MLPEBM net = tinyNet(2);
        ImplicitBCAgent agent = agent(net, 1e-3f, 4);
        INDArray[] batch = toyBatch(8, 4);
        agent.train(batch[0], batch[1], NoiseSource.seeded(1));
        // A NaN in a kernel (DL4J's Dense drops a NaN in a width-1 bias from its output; the weight check after
        // the update catches that one).
        net.param("head_kernel").putScalar(0, Float.NaN);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> agent.train(batch[0], batch[1], NoiseSource.seeded(2)));
        assertEquals(1, e.step());
        assertEquals("total_loss", e.tensor());
        assertTrue(e.getMessage().startsWith("train step 1: total_loss is NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("per_example_loss has 8 non-finite values"), e.getMessage());
    }

    @Test
    void aNonFiniteGradientIsNamedBeforeAnyWeightChanges() {
        MLPEBM net = tinyNet(2);
        ImplicitBCAgent agent = agent(net, 1e-3f, 4);
        INDArray[] batch = toyBatch(8, 4);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(3));
        ImplicitBCAgent.Loss loss = agent.loss(batch[0], batch[1], ce);
        net.viewsOf(loss.gradTotal()).get("block_dense1_kernel").putScalar(new long[] {3, 5},
                Float.POSITIVE_INFINITY);
        INDArray weights = net.graph().params().dup();
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> agent.applyGradients(loss));
        assertEquals("gradient of block_dense1_kernel", e.tensor());
        assertEquals("train step 0: gradient of block_dense1_kernel has 1 non-finite value; first Infinity at "
                + "[3, 5]", e.getMessage());
        assertEquals(weights, net.graph().params(), "no update was applied");
        assertEquals(0, agent.trainStep());
    }

    @Test
    void rejectsWhatIbcRejects() {
        MLPEBM net = tinyNet(1);
        KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), net.graph().numParams());
        assertThrows(IllegalArgumentException.class, () -> ImplicitBCAgent.builder(net, adam, SPEC)
                .numCounterExamples(8).fractions(0.6, 0.6).build());
        ImplicitBCAgent dfoWithChain = ImplicitBCAgent.builder(net, adam, SPEC).numCounterExamples(4)
                .fractions(0.5, 0.5).build();
        INDArray[] batch = toyBatch(2, 1);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> dfoWithChain.makeCounterExampleActions(batch[0], batch[1], NoiseSource.seeded(1)));
        assertTrue(e.getMessage().contains("Not implemented to return dfo chain"), e.getMessage());
        // cd_kl: IBC's constructor raises AttributeError; an unknown name: IBC's ValueError at the first loss.
        assertThrows(UnsupportedOperationException.class, () -> ImplicitBCAgent.builder(net, adam, SPEC)
                .numCounterExamples(8).ebmLossType("cd_kl").build());
        assertThrows(IllegalArgumentException.class, () -> ImplicitBCAgent.builder(net, adam, SPEC)
                .numCounterExamples(8).ebmLossType("nce").build());
        // Dropout in the EBM's training step: IBC's penalty pass draws its own masks; not implemented.
        MLPEBM dropout = MLPEBM.create(MLPEBM.Config.particle().withWidth(8).withRate(0.1), 2, 1, 1);
        assertThrows(UnsupportedOperationException.class, () -> ImplicitBCAgent.create(dropout, adam, SPEC, 4));
    }

    @Test
    void networksTheKernelsCannotRunAreRefusedBeforeTraining() {
        KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), 10);
        MLPEBM.Config particle = MLPEBM.Config.particle().withWidth(8);
        MLPEBM swish = MLPEBM.create(new MLPEBM.Config(8, 2, 0.0, "swish", "ResNetPreActivation", "normal",
                "normal", "regular"), 2, 1, 1);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> ImplicitBCAgent.create(swish, adam, SPEC, 4));
        assertEquals("MLPEBM.activation = 'swish': ibc4j's Langevin, DFO and gradient-penalty kernels implement "
                + "'relu' only (every IBC EBM config binds 'relu')", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> IbcPolicy.create(swish, null, SPEC, 4, null, null));
        MLPEBM dropoutLayers = MLPEBM.create(particle.withLayers("MLPDropout").withRate(0.0), 2, 1, 1);
        e = assertThrows(UnsupportedOperationException.class,
                () -> ImplicitBCAgent.create(dropoutLayers, adam, SPEC, 4));
        assertTrue(e.getMessage().startsWith("MLPEBM.layers = 'MLPDropout' with ImplicitBCAgent.add_grad_penalty = "
                + "True"), e.getMessage());
        // Without the penalty the layered kernel runs the chain: accepted.
        ImplicitBCAgent.builder(dropoutLayers, adam, SPEC).numCounterExamples(4).addGradPenalty(false).build();
    }

    @Test
    void dfoCounterExamplesWithoutTheChain() {
        MLPEBM net = tinyNet(6);
        KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), net.graph().numParams());
        ImplicitBCAgent agent = ImplicitBCAgent.builder(net, adam, SPEC).numCounterExamples(4).fractions(1.0, 0.0)
                .returnFullChain(false).build();
        INDArray[] batch = toyBatch(2, 1);
        ImplicitBCAgent.TrainStep s = agent.train(batch[0], batch[1], NoiseSource.seeded(2));
        assertEquals(null, s.counterExamples().chain());
        assertEquals(DataType.FLOAT, s.counterExamples().combined().dataType());
        assertTrue(Float.isFinite(s.loss().totalLoss()));
    }

    /** The other ebm_loss_types go through the same backprop path as info_nce, with IBC's debug summaries. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cd", "clipped_cd", "soft_clipped_cd"})
    void contrastiveLossTypesTrainThroughTheSamePath(String type) {
        MLPEBM net = tinyNet(4);
        KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), net.graph().numParams());
        ImplicitBCAgent agent = ImplicitBCAgent.builder(net, adam, SPEC).numCounterExamples(4).ebmLossType(type)
                .langevin(LangevinConfig.ibcDefaults().withNumIterations(3)).build();
        assertEquals(type, agent.ebmLossType());
        INDArray[] batch = toyBatch(6, 3);
        ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                NoiseSource.seeded(2));
        ImplicitBCAgent.Loss loss = agent.loss(batch[0], batch[1], ce);
        ibc4j.losses.EbmLoss.Contrastive expected = type.equals("cd")
                ? ibc4j.losses.EbmLoss.cd(loss.predictions(), 1f / 6)
                : ibc4j.losses.EbmLoss.clippedCd(loss.predictions(), ce.counterExamples(), batch[1],
                type.equals("soft_clipped_cd"), 1f / 6);
        assertEquals(expected.perExampleLoss(), loss.perExampleEbmLoss());
        assertEquals(null, loss.softmax());
        INDArray tiled = Observations.tile(batch[0], 5);
        assertEquals(net.paramGradient(tiled, ce.combined(), expected.gradPredictions().reshape(30)),
                loss.gradEbmLoss(), "dL/df through MLPEBM.paramGradient, as info_nce");
        expected.debug().forEach((k, v) -> assertEquals(v, loss.summaries().get("Losses/" + k), k));
        assertTrue(loss.summaries().containsKey("Losses/grad_loss"));
        for (int i = 0; i < 3; i++) {
            agent.train(batch[0], batch[1], NoiseSource.seeded(10 + i));
        }
        assertEquals(3, agent.trainStep());
    }

    /** grad_penalty along the chain: the chain's norms, differentiated only when the chain ran under the gradient. */
    @Test
    void penaltyAlongTheChainFollowsRunFullChainUnderGradient() {
        INDArray[] batch = toyBatch(4, 8);
        INDArray[] grads = new INDArray[2];
        float[] penalties = new float[2];
        for (int i = 0; i < 2; i++) {
            boolean underGradient = i == 1;
            MLPEBM net = tinyNet(2);
            net.graph().params().muli(8f); // norms above the margin
            KerasAdam adam = new KerasAdam(new ExponentialDecay(1e-3f, 100, 0.99f), net.graph().numParams());
            GradientLoss.Settings d = GradientLoss.Settings.ibcDefaults();
            ImplicitBCAgent agent = ImplicitBCAgent.builder(net, adam, SPEC).numCounterExamples(3)
                    .runFullChainUnderGradient(underGradient)
                    .langevin(LangevinConfig.ibcDefaults().withNumIterations(4))
                    .penalty(new GradientLoss.Settings(false, d.gradMargin(), d.squareGradPenalty(),
                            d.gradLossWeight())).build();
            ImplicitBCAgent.CounterExamples ce = agent.makeCounterExampleActions(batch[0], batch[1],
                    NoiseSource.seeded(3));
            assertEquals(underGradient, ce.chain().underGradient());
            ImplicitBCAgent.Loss loss = agent.loss(batch[0], batch[1], ce);
            assertEquals(12, loss.penalty().norms().size(1), "n·K = 3·4 terms per example");
            penalties[i] = loss.summaries().get("Losses/grad_loss");
            grads[i] = loss.penalty().paramGradient();
        }
        assertTrue(penalties[0] > 0, "the penalty is active");
        assertEquals(penalties[0], penalties[1], "the value does not depend on the tape");
        assertEquals(0.0, grads[0].amaxNumber().doubleValue(), "chain outside the tape: constants, no gradient");
        assertTrue(grads[1].amaxNumber().doubleValue() > 0, "chain under the tape: the norms' gradient");
    }
}
