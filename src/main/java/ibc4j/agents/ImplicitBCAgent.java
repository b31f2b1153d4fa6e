package ibc4j.agents;

import ibc4j.agents.mcmc.AutoregressiveDfo;
import ibc4j.agents.mcmc.Dfo;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.gin.Configurable;
import ibc4j.gin.Extension;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.Positive;
import ibc4j.gin.Range;
import ibc4j.gin.Tuple;
import ibc4j.losses.ChainData;
import ibc4j.losses.EbmLoss;
import ibc4j.losses.GradientLoss;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.PhaseTimer;
import ibc4j.runtime.StepMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Implicit behavioral cloning's training step; mirrors {@code ibc/agents/ibc_agent.py} ImplicitBCAgent
 * ({@code _loss}, {@code _make_counter_example_actions}) and {@code ibc/agents/base_agent.py} {@code _train}
 * (IBC db89ddb): info_nce (every IBC EBM config), cd, clipped_cd or soft_clipped_cd ({@code ebm_loss_type}),
 * plus the gradient penalty.
 *
 * <p>One step on a batch of normalized observations (flattened as the network sees them, {@code [B, obs]}) and
 * normalized actions {@code [B, A]}:
 * <ol>
 *   <li>counter examples: one uniform draw {@code [B, n, A]} on the sampling spec, then, by
 *       {@code fraction_dfo_samples} / {@code fraction_langevin_samples}, DFO and/or Langevin from it (observations
 *       tiled n times); the columns are split uniform | DFO | Langevin as IBC slices them; {@code dfo_kind}
 *       (ibc4j's, default 'iterative' = IBC) can make the DFO share {@link AutoregressiveDfo}'s;</li>
 *   <li>combined actions {@code [B·(n+1), A]}: each example's n counter examples, then its true action LAST;</li>
 *   <li>predictions {@code [B, n+1]} = f(obs tiled n+1 times, combined), training mode;</li>
 *   <li>per-example loss = ebm loss + grad_penalty (final samples, positives included); total = Σ_b / B;</li>
 *   <li>∇θ: ebm-loss part by DL4J backprop of dL/df ({@link MLPEBM#paramGradient}), penalty part by the kernel's
 *       double backward; their sum goes to Keras Adam over the graph's flat parameters.</li>
 * </ol>
 * The chain runs on fixed weights and its output is stop-gradient'ed before use, so
 * {@code run_full_chain_under_gradient} changes nothing in the counter examples; it only decides whether the
 * chain's gradient norms are functions of the weights, which matters to {@code grad_penalty} along the chain
 * ({@code only_apply_final_grad_penalty=False}; with it False, IBC's penalty there has no gradient).
 *
 * <p>IBC's gin-configurable functions ({@code langevin_actions_given_obs}, {@code grad_penalty}) are called
 * through a {@link GinConfig}, so their bindings apply at call time as in Python: the config that built this
 * agent when gin made it, else a fresh one (IBC's code defaults), reachable through {@link #ginConfig()}.
 *
 * <p>A NaN or infinity in the loss, a gradient or a weight stops training with a {@link NonFiniteException}
 * naming the step and the tensor (IBC: {@code tf.debugging.check_numerics} on the loss).
 */
@Configurable("ImplicitBCAgent")
public final class ImplicitBCAgent extends BehavioralCloningAgent {
    /** The {@code ebm_loss_type} values implemented (IBC's {@code _compute_ebm_loss} minus the unbuildable cd_kl). */
    public static final List<String> EBM_LOSS_TYPES = List.of("info_nce", "cd", "clipped_cd", "soft_clipped_cd");

    private final MLPEBM net;
    private final Object timeStepSpec;
    private final Object actionSpec;
    private final Object actionSamplingSpec;
    private final Object obsNormLayer;
    private final Object actDenormLayer;
    private final int numCounterExamples;
    private final double fractionDfoSamples;
    private final double fractionLangevinSamples;
    private final double fractionCoordinateSamples;
    private final boolean lateFusion;
    private final boolean computeMse;
    private final boolean returnFullChain;
    private final boolean addGradPenalty;
    private final String gradNormType;
    private final String ebmLossType;
    private final boolean runFullChainUnderGradient;
    private final float softmaxTemperature;
    private final float[] minActions;
    private final float[] maxActions;
    private final LangevinConfig langevin;           // langevin_actions_given_obs, resolved once
    private final GradientLoss.Settings penaltySettings; // grad_penalty, resolved once
    private final AutoregressiveDfo.Settings autoregressiveDfo; // null: IBC's iterative_dfo for the DFO share
    private final java.util.function.Function<Map<String, Object>, IbcPolicy> policyMaker;
    private EbmKernel chainKernel;    // B·n rows, reused while B stays the same
    private IbcPolicy policy;
    private PhaseTimer timer = PhaseTimer.OFF;

    /** IBC's constructor, parameter for parameter (names and defaults as {@code ImplicitBCAgent.__init__}). */
    public ImplicitBCAgent(
            @Param(value = "time_step_spec", doc = "tf-agents time step spec; kept for the policy") Object timeStepSpec,
            @Param(value = "action_spec", doc = "the env's bounded action spec (the policy clips to it)")
            Object actionSpec,
            @Param(value = "action_sampling_spec", doc = "normalized sampling bounds (SamplingSpec or TensorSpec)")
            Object actionSamplingSpec,
            @Param(value = "cloning_network", doc = "the EBM") MLPEBM cloningNetwork,
            @Param(value = "optimizer", doc = "Keras Adam over the network's flat parameters") KerasAdam optimizer,
            @Param(value = "obs_norm_layer", dflt = "None", doc = "for the policy") Object obsNormLayer,
            @Param(value = "act_norm_layer", dflt = "None", doc = "unused by the loss (data is normalized upstream)")
            Object actNormLayer,
            @Param(value = "act_denorm_layer", dflt = "None", doc = "for the policy") Object actDenormLayer,
            @Positive @Param(value = "num_counter_examples", dflt = "256", doc = "n per example; particle configs: 8")
            int numCounterExamples,
            @Param(value = "debug_summaries", dflt = "False", doc = "unused") boolean debugSummaries,
            @Param(value = "summarize_grads_and_vars", dflt = "False", doc = "unused") boolean summarizeGradsAndVars,
            @Param(value = "train_step_counter", dflt = "None", doc = "starting step (a number), else 0")
            Object trainStepCounter,
            @Param(value = "name", dflt = "None", doc = "unused") String name,
            @Range(min = 0, max = 1)
            @Param(value = "fraction_dfo_samples", dflt = "0.0", doc = "share of counter examples from DFO")
            double fractionDfoSamples,
            @Range(min = 0, max = 1)
            @Param(value = "fraction_langevin_samples", dflt = "1.0", doc = "share from Langevin; rest uniform")
            double fractionLangevinSamples,
            @Param(value = "ebm_loss_type", dflt = "'info_nce'",
                    doc = "info_nce, cd, clipped_cd or soft_clipped_cd (cd_kl fails in IBC's constructor)")
            String ebmLossType,
            @Param(value = "late_fusion", dflt = "False", doc = "PixelEBM only; not supported") boolean lateFusion,
            @Param(value = "compute_mse", dflt = "False", doc = "log the counter examples' MSE to the true action")
            boolean computeMse,
            @Param(value = "run_full_chain_under_gradient", dflt = "False",
                    doc = "the chain's grad norms become functions of the weights (read only by grad_penalty "
                            + "along the chain); the counter examples are stop-gradient'ed either way")
            boolean runFullChain,
            @Param(value = "return_full_chain", dflt = "True", doc = "keep the Langevin ChainData (summaries)")
            boolean returnFullChain,
            @Param(value = "add_grad_penalty", dflt = "True", doc = "add grad_penalty to the loss")
            boolean addGradPenalty,
            @Param(value = "grad_norm_type", dflt = "'inf'", doc = "norm of the chain and the penalty")
            String gradNormType,
            @Positive @Param(value = "softmax_temperature", dflt = "1.0", doc = "info_nce temperature")
            double softmaxTemperature,
            @Extension @Param(value = "dfo_kind", dflt = "'iterative'", doc = "ibc4j only: the DFO of the "
                    + "fraction_dfo_samples share, 'iterative' (IBC) or 'autoregressive' (autoregressive_dfo)")
            String dfoKind,
            @Extension @Range(min = 0, max = 1) @Param(value = "fraction_coordinate_samples", dflt = "0.0",
                    doc = "ibc4j only: share of counter examples that are the true action with one coordinate "
                            + "(k mod A) drawn uniformly; taken from the uniform share")
            double fractionCoordinateSamples) {
        super(optimizer, trainStepCounter);
        if ("cd_kl".equals(ebmLossType)) {
            // ibc_agent.py asserts self._run_full_chain_under_gradient for cd_kl two lines before it sets it.
            throw new UnsupportedOperationException("ImplicitBCAgent.ebm_loss_type 'cd_kl' cannot be built in IBC "
                    + "either: its constructor reads _run_full_chain_under_gradient before setting it "
                    + "(AttributeError); not implemented");
        }
        if (!EBM_LOSS_TYPES.contains(ebmLossType)) {
            throw new IllegalArgumentException("ImplicitBCAgent.ebm_loss_type '" + ebmLossType + "' is not one of "
                    + EBM_LOSS_TYPES + " (IBC: 'Unsupported EBM loss type.')");
        }
        if (lateFusion) {
            throw new UnsupportedOperationException("ImplicitBCAgent.late_fusion=True needs PixelEBM; not supported");
        }
        // IBC asserts these three (ibc4j's coordinate share joins the sum).
        if (!(fractionDfoSamples + fractionLangevinSamples + fractionCoordinateSamples <= 1.0)
                || !(fractionDfoSamples >= 0.) || !(fractionLangevinSamples >= 0.)
                || !(fractionCoordinateSamples >= 0.)) {
            throw new IllegalArgumentException("ImplicitBCAgent: need fraction_dfo_samples >= 0, "
                    + "fraction_langevin_samples >= 0, fraction_coordinate_samples >= 0 and their sum <= 1, got "
                    + fractionDfoSamples + ", " + fractionLangevinSamples + " and " + fractionCoordinateSamples);
        }
        if (numCounterExamples < 1) {
            throw new IllegalArgumentException("num_counter_examples must be >= 1, got " + numCounterExamples);
        }
        this.net = java.util.Objects.requireNonNull(cloningNetwork, "cloning_network");
        EbmKernel.requireSupported(net.config(), addGradPenalty);
        if (net.config().rate() > 0) {
            // IBC draws fresh masks for the prediction pass and for the penalty's pass; the penalty's hand-derived
            // double backward here has no dropout. Every IBC EBM config sets rate 0.
            throw new UnsupportedOperationException("ImplicitBCAgent with MLPEBM.rate = " + net.config().rate()
                    + " (dropout in training) is not implemented; every IBC EBM config uses rate 0.0");
        }
        this.timeStepSpec = timeStepSpec;
        this.actionSpec = actionSpec;
        this.actionSamplingSpec = actionSamplingSpec;
        this.obsNormLayer = obsNormLayer;
        this.actDenormLayer = actDenormLayer;
        this.numCounterExamples = numCounterExamples;
        this.fractionDfoSamples = fractionDfoSamples;
        this.fractionLangevinSamples = fractionLangevinSamples;
        this.fractionCoordinateSamples = fractionCoordinateSamples;
        this.lateFusion = lateFusion;
        this.computeMse = computeMse;
        this.returnFullChain = returnFullChain;
        this.addGradPenalty = addGradPenalty;
        this.gradNormType = gradNormType;
        this.ebmLossType = ebmLossType;
        this.runFullChainUnderGradient = runFullChain;
        this.softmaxTemperature = (float) softmaxTemperature;
        float[][] mm = Specs.bounds(actionSamplingSpec, net.actionDim(), "action_sampling_spec");
        this.minActions = mm[0];
        this.maxActions = mm[1];
        GinConfig gin = GinConfig.currentOrNull(); // null: built without gin, IBC's code defaults
        Map<String, Object> chainArgs = new LinkedHashMap<>();
        chainArgs.put("return_chain", returnFullChain);
        chainArgs.put("grad_norm_type", gradNormType);
        this.langevin = Mcmc.resolveLangevin(gin, chainArgs);
        this.penaltySettings = GradientLoss.resolveSettings(gin);
        this.policyMaker = gin == null ? ImplicitBCAgent::defaultPolicy : args -> gin.make(IbcPolicy.class, args);
        boolean autoregressive = AutoregressiveDfo.isSelectedBy("ImplicitBCAgent.dfo_kind", dfoKind);
        if (autoregressive && fractionDfoSamples == 0.) {
            throw new IllegalArgumentException("ImplicitBCAgent.dfo_kind='autoregressive' needs "
                    + "fraction_dfo_samples > 0");
        }
        this.autoregressiveDfo = autoregressive ? AutoregressiveDfo.resolve(gin) : null;
    }

    /**
     * Builds an agent without gin with IBC's defaults except what is given; Langevin and the penalty run with IBC's
     * code defaults unless {@link #withSettings} replaces them.
     */
    public static ImplicitBCAgent create(MLPEBM net, KerasAdam optimizer, Object actionSamplingSpec,
                                         int numCounterExamples) {
        return builder(net, optimizer, actionSamplingSpec).numCounterExamples(numCounterExamples).build();
    }

    /** A builder over IBC's constructor, for agents made from Java: IBC's defaults for what is not set. */
    public static Builder builder(MLPEBM net, KerasAdam optimizer, Object actionSamplingSpec) {
        return new Builder(net, optimizer, actionSamplingSpec);
    }

    /** Named settings for {@link ImplicitBCAgent}'s constructor (gin's parameter names in camelCase). */
    public static final class Builder {
        private final MLPEBM net;
        private final KerasAdam optimizer;
        private final Object actionSamplingSpec;
        private Object actionSpec;
        private Object obsNormLayer;
        private Object actDenormLayer;
        private int numCounterExamples = 256;
        private double fractionDfoSamples = 0.0;
        private double fractionLangevinSamples = 1.0;
        private String ebmLossType = "info_nce";
        private boolean computeMse;
        private boolean runFullChainUnderGradient;
        private boolean returnFullChain = true;
        private boolean addGradPenalty = true;
        private String gradNormType = "inf";
        private double softmaxTemperature = 1.0;
        private String dfoKind = "iterative";
        private double fractionCoordinateSamples = 0.0;
        private LangevinConfig langevin;
        private GradientLoss.Settings penalty;

        private Builder(MLPEBM net, KerasAdam optimizer, Object actionSamplingSpec) {
            this.net = net;
            this.optimizer = optimizer;
            this.actionSamplingSpec = actionSamplingSpec;
        }

        public Builder actionSpec(Object v) {
            actionSpec = v;
            return this;
        }

        public Builder normalizers(Object obsNorm, Object actDenorm) {
            obsNormLayer = obsNorm;
            actDenormLayer = actDenorm;
            return this;
        }

        public Builder numCounterExamples(int v) {
            numCounterExamples = v;
            return this;
        }

        /** {@code fraction_dfo_samples} and {@code fraction_langevin_samples}; the rest stay uniform. */
        public Builder fractions(double dfo, double langevin) {
            fractionDfoSamples = dfo;
            fractionLangevinSamples = langevin;
            return this;
        }

        public Builder ebmLossType(String v) {
            ebmLossType = v;
            return this;
        }

        public Builder computeMse(boolean v) {
            computeMse = v;
            return this;
        }

        public Builder runFullChainUnderGradient(boolean v) {
            runFullChainUnderGradient = v;
            return this;
        }

        public Builder returnFullChain(boolean v) {
            returnFullChain = v;
            return this;
        }

        public Builder addGradPenalty(boolean v) {
            addGradPenalty = v;
            return this;
        }

        public Builder gradNormType(String v) {
            gradNormType = v;
            return this;
        }

        public Builder softmaxTemperature(double v) {
            softmaxTemperature = v;
            return this;
        }

        /** ibc4j's {@code dfo_kind}: 'iterative' (IBC's iterative_dfo, the default) or 'autoregressive'. */
        public Builder dfoKind(String v) {
            dfoKind = v;
            return this;
        }

        /** ibc4j's {@code fraction_coordinate_samples} ({@link CoordinateCounterExamples}); default 0. */
        public Builder fractionCoordinateSamples(double v) {
            fractionCoordinateSamples = v;
            return this;
        }

        /** {@code langevin_actions_given_obs}'s settings (default: IBC's code defaults). */
        public Builder langevin(LangevinConfig v) {
            langevin = v;
            return this;
        }

        /** {@code grad_penalty}'s settings (default: IBC's code defaults). */
        public Builder penalty(GradientLoss.Settings v) {
            penalty = v;
            return this;
        }

        public ImplicitBCAgent build() {
            ImplicitBCAgent a = new ImplicitBCAgent(null, actionSpec, actionSamplingSpec, net, optimizer, obsNormLayer,
                    null, actDenormLayer, numCounterExamples, false, false, null, null, fractionDfoSamples,
                    fractionLangevinSamples, ebmLossType, false, computeMse, runFullChainUnderGradient,
                    returnFullChain, addGradPenalty, gradNormType, softmaxTemperature, dfoKind,
                    fractionCoordinateSamples);
            if (langevin == null && penalty == null) {
                return a;
            }
            return a.withSettings(langevin != null ? langevin : a.langevin(),
                    penalty != null ? penalty : a.penaltySettings());
        }
    }

    private ImplicitBCAgent(ImplicitBCAgent o, LangevinConfig langevin, GradientLoss.Settings penalty) {
        super(o.optimizer(), o.trainStep());
        this.net = o.net;
        this.timeStepSpec = o.timeStepSpec;
        this.actionSpec = o.actionSpec;
        this.actionSamplingSpec = o.actionSamplingSpec;
        this.obsNormLayer = o.obsNormLayer;
        this.actDenormLayer = o.actDenormLayer;
        this.numCounterExamples = o.numCounterExamples;
        this.fractionDfoSamples = o.fractionDfoSamples;
        this.fractionLangevinSamples = o.fractionLangevinSamples;
        this.fractionCoordinateSamples = o.fractionCoordinateSamples;
        this.lateFusion = o.lateFusion;
        this.computeMse = o.computeMse;
        this.returnFullChain = o.returnFullChain;
        this.addGradPenalty = o.addGradPenalty;
        this.gradNormType = o.gradNormType;
        this.ebmLossType = o.ebmLossType;
        this.runFullChainUnderGradient = o.runFullChainUnderGradient;
        this.softmaxTemperature = o.softmaxTemperature;
        this.minActions = o.minActions;
        this.maxActions = o.maxActions;
        this.policyMaker = o.policyMaker;
        this.langevin = langevin.withReturnChain(o.returnFullChain).withGradNormType(o.gradNormType);
        this.penaltySettings = penalty;
        this.autoregressiveDfo = o.autoregressiveDfo;
    }

    /**
     * This agent (same network, optimizer and step) with other Langevin and penalty settings, as gin bindings of
     * {@code langevin_actions_given_obs} and {@code grad_penalty} would give ({@code return_chain} and
     * {@code grad_norm_type} stay the agent's, as IBC passes them).
     */
    public ImplicitBCAgent withSettings(LangevinConfig langevin, GradientLoss.Settings penalty) {
        return new ImplicitBCAgent(this, langevin, penalty);
    }

    /** The Langevin settings of the counter-example chain. */
    public LangevinConfig langevin() {
        return langevin;
    }

    /** The grad_penalty settings. */
    public GradientLoss.Settings penaltySettings() {
        return penaltySettings;
    }

    private static IbcPolicy defaultPolicy(Map<String, Object> args) {
        return IbcPolicy.create((MLPEBM) args.get("actor_network"), args.get("action_spec"),
                args.get("action_sampling_spec"), 16384, args.get("obs_norm_layer"), args.get("act_denorm_layer"));
    }

    public MLPEBM network() {
        return net;
    }

    /**
     * Times the phases of each {@link #train} call (sampling, langevin, forward, loss, backward, penalty,
     * optimizer) on {@code t}; {@link PhaseTimer#OFF}, the default, costs nothing. For {@code ibc4j bench}.
     */
    public void setPhaseTimer(PhaseTimer t) {
        this.timer = java.util.Objects.requireNonNull(t, "timer");
    }

    @Override
    public INDArray flatParams() {
        return net.graph().params();
    }

    /** DenseSN's u vectors (empty for 'regular' dense layers). */
    @Override
    public Map<String, INDArray> networkState() {
        return net.spectralNormState();
    }

    /** IBC's {@code ebm_loss_type}. */
    public String ebmLossType() {
        return ebmLossType;
    }

    public int numCounterExamples() {
        return numCounterExamples;
    }


    /** The normalized sampling bounds per dimension (IBC's scalar bounds, repeated). */
    public float[][] samplingBounds() {
        return new float[][] {minActions.clone(), maxActions.clone()};
    }

    /**
     * IBC's {@code agent.policy}: GreedyPolicy over the collect policy, an IbcPolicy on this agent's network,
     * specs and normalization layers (made through the gin config that made this agent, so IbcPolicy bindings
     * apply).
     */
    @Override
    public IbcPolicy policy() {
        if (policy == null) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("time_step_spec", timeStepSpec);
            args.put("action_spec", actionSpec);
            args.put("action_sampling_spec", actionSamplingSpec);
            args.put("actor_network", net);
            args.put("late_fusion", lateFusion);
            args.put("obs_norm_layer", obsNormLayer);
            args.put("act_denorm_layer", actDenormLayer);
            policy = StepMemory.persistent(() -> policyMaker.apply(args)); // outlives any step
        }
        return policy;
    }

    // --------------------------------------------------------------------------------------------- counter examples

    /**
     * What {@code _make_counter_example_actions} returns, plus the uniform draw it started from.
     *
     * @param initial         the uniform actions {@code [B·n, A]}
     * @param counterExamples {@code [B, n, A]}
     * @param combined        {@code [B·(n+1), A]}, true action last in each group of n+1
     * @param chain           the Langevin ChainData, or null (no Langevin, or return_full_chain False)
     */
    public record CounterExamples(INDArray initial, INDArray counterExamples, INDArray combined,
                                  ChainData chain) {}

    /**
     * IBC's {@code _make_counter_example_actions}; draws, in TF's order, the uniform {@code [B, n, A]}, then DFO's
     * normals and categoricals (if any), then one normal {@code [B·n, A]} per Langevin step.
     */
    public CounterExamples makeCounterExampleActions(INDArray observations, INDArray actions, NoiseSource noise) {
        int b = checkFlatBatch(observations, actions, net.obsDim(), net.actionDim());
        int n = numCounterExamples;
        int a = net.actionDim();
        INDArray u = Nd4j.create(DataType.FLOAT, b, n, a);
        noise.uniform(u);
        INDArray uniform = uniform(u.reshape(b * n, a));
        timer.lap("sampling");
        INDArray counter;
        ChainData chain = null;
        if (fractionDfoSamples == 0.0 && fractionLangevinSamples == 0.0 && fractionCoordinateSamples == 0.0) {
            counter = uniform.reshape(b, n, a);
        } else {
            INDArray obsN = fractionDfoSamples > 0. || fractionLangevinSamples > 0.
                    ? Observations.tile(observations, n) : null;
            net.call(false); // DenseSN: the chains call the network with training=False (u unchanged)
            INDArray dfo = null;
            if (fractionDfoSamples > 0.) {
                if (returnFullChain) {
                    throw new UnsupportedOperationException("Not implemented to return dfo chain. (IBC raises "
                            + "NotImplementedError for fraction_dfo_samples > 0 with return_full_chain=True)");
                }
                EbmKernel k = chainKernel(b * n);
                k.prepareObservations(obsN);
                Dfo.Energies f = (act, e) -> e.assign(k.energies(act));
                dfo = (autoregressiveDfo == null
                        ? Dfo.iterativeDfo(f, b, uniform, n, minActions, maxActions, 1.0f, 3, 0.33f, noise)
                        : AutoregressiveDfo.run(f, b, uniform, n, minActions, maxActions, autoregressiveDfo, noise))
                        .actions();
            }
            INDArray lang = null;
            if (fractionLangevinSamples > 0.) {
                Map<String, Object> args = new LinkedHashMap<>();
                Mcmc.Result r = Mcmc.langevin(chainKernel(b * n), obsN, uniform, minActions, maxActions, false,
                        langevin, noise);
                lang = r.actions();
                chain = returnFullChain ? r.chain().withSource(obsN, runFullChainUnderGradient) : null;
            }
            INDArray coordinate = fractionCoordinateSamples > 0.
                    ? CoordinateCounterExamples.of(uniform, actions, b, n) : null;
            counter = split(uniform, dfo, lang, coordinate, b, n, a);
        }
        INDArray combined = Nd4j.concat(1, counter, actions.reshape(b, 1, a)).reshape(b * (n + 1), a);
        timer.lap("langevin");
        return new CounterExamples(uniform, counter, combined, chain);
    }

    /** {@code tf.random.uniform(minval, maxval)} on a U[0,1) draw: {@code U·(max − min) + min} in float32. */
    private INDArray uniform(INDArray u) {
        int a = (int) u.size(1);
        float[] x = u.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            int j = i % a;
            x[i] = x[i] * (maxActions[j] - minActions[j]) + minActions[j];
        }
        return Nd4j.create(x, u.shape(), 'c');
    }

    /**
     * IBC's column split: int(fraction·n) per source (Python float64), rounding residual to the uniform part;
     * ibc4j's coordinate share comes last, so at 0 the split is IBC's.
     */
    private INDArray split(INDArray uniform, INDArray dfo, INDArray lang, INDArray coordinate, int b, int n, int a) {
        int initNum = (int) ((1. - fractionDfoSamples - fractionLangevinSamples - fractionCoordinateSamples) * n);
        int dfoNum = (int) (fractionDfoSamples * n);
        int langNum = (int) (fractionLangevinSamples * n);
        int coordinateNum = (int) (fractionCoordinateSamples * n);
        initNum += n - initNum - dfoNum - langNum - coordinateNum;
        INDArray out = Nd4j.create(DataType.FLOAT, b, n, a);
        int used = 0;
        INDArray[] sources = {uniform, dfo, lang, coordinate};
        int[] counts = {initNum, dfoNum, langNum, coordinateNum};
        for (int s = 0; s < 4; s++) {
            if (counts[s] > 0) {
                out.get(NDArrayIndex.all(), NDArrayIndex.interval(used, used + counts[s]), NDArrayIndex.all())
                        .assign(sources[s].reshape(b, n, a).get(NDArrayIndex.all(),
                                NDArrayIndex.interval(used, used + counts[s]), NDArrayIndex.all()));
                used += counts[s];
            }
        }
        return out;
    }

    // --------------------------------------------------------------------------------------------------- loss

    /**
     * Everything one step of {@code _loss} computes.
     *
     * @param predictions       f at the combined actions {@code [B, n+1]}
     * @param softmax           info_nce's probabilities {@code [B, n+1]} (null for the other ebm_loss_types)
     * @param perExampleEbmLoss the ebm_loss_type's per-example loss {@code [B]}
     * @param penalty           the grad penalty (per example, norms, ∂E/∂a, θ-gradient), or null without one
     * @param perExampleLoss    ebm loss + penalty {@code [B]}
     * @param totalLoss         Σ_b per-example / B (IBC's aggregate_losses; no regularization losses)
     * @param mseCounterExamples mean over B and n of the counter examples' MSE to the true action (NaN unless
     *                          compute_mse); monitoring only
     * @param gradEbmLoss       ∂(Σ_b ebm_loss_b / B)/∂θ, flat in the graph's layout
     * @param gradTotal         the gradient Adam gets: ebm-loss part + penalty part
     * @param summaries         IBC's {@code Losses/} scalars
     */
    public record Loss(INDArray predictions, INDArray softmax, INDArray perExampleEbmLoss,
                       GradientLoss.PenaltyAndGradient penalty, INDArray perExampleLoss, float totalLoss,
                       float mseCounterExamples, INDArray gradEbmLoss, INDArray gradTotal,
                       Map<String, Float> summaries) {}

    /** {@code _loss} (training=True) on given counter examples, with the parameter gradients. */
    public Loss loss(INDArray observations, INDArray actions, CounterExamples ce) {
        return loss(observations, actions, ce, true);
    }

    /**
     * {@code get_eval_loss}: {@code _loss(training=False)} on given counter examples. The network runs in
     * inference mode (DenseSN's u stays, no dropout) and no parameter gradient is computed: the Loss's
     * {@code gradEbmLoss}, {@code gradTotal} and the penalty's {@code paramGradient} are null.
     */
    public Loss evalLoss(INDArray observations, INDArray actions, CounterExamples ce) {
        return loss(observations, actions, ce, false);
    }

    private Loss loss(INDArray observations, INDArray actions, CounterExamples ce, boolean training) {
        int b = checkFlatBatch(observations, actions, net.obsDim(), net.actionDim());
        int n = numCounterExamples;
        int a = net.actionDim();
        INDArray tiled = Observations.tile(observations, n + 1);
        float mse = computeMse ? mse(ce.counterExamples(), actions, b, n, a) : Float.NaN;
        MLPEBM.Call predictionCall = net.call(training); // DenseSN: u advances once for the prediction pass
        // Training: one forward pass gives f and keeps the layer states its parameter gradient needs.
        INDArray predictions;
        INDArray perEbm;
        INDArray softmax = null;
        INDArray gradEbm = null;
        Map<String, Float> debug = Map.of();
        // Without the penalty nothing else runs the network at these rows: its training pass can be lean.
        try (MLPEBM.TrainingPass pass = training ? net.trainingPass(tiled, ce.combined(), !addGradPenalty) : null) {
            predictions = (training ? pass.energies() : net.energies(tiled, ce.combined()))
                    .reshape(b, n + 1);
            timer.lap("forward");
            float upstream = 1.0f / b; // d(Σ_b loss_b / B)/d loss_b, as TF's RealDiv gradient computes it
            INDArray gradPred;
            if (ebmLossType.equals("info_nce")) {
                EbmLoss.InfoNce nce = EbmLoss.infoNce(predictions, softmaxTemperature, upstream);
                softmax = nce.probabilities();
                perEbm = nce.perExampleLoss();
                gradPred = nce.gradPredictions();
            } else {
                EbmLoss.Contrastive c = ebmLossType.equals("cd") ? EbmLoss.cd(predictions, upstream)
                        : EbmLoss.clippedCd(predictions, ce.counterExamples(), actions,
                        ebmLossType.equals("soft_clipped_cd"), upstream);
                perEbm = c.perExampleLoss();
                gradPred = c.gradPredictions();
                debug = c.debug();
            }
            timer.lap("loss");
            if (training) {
                gradEbm = predictionCall.toParamGradient(pass.paramGradient(gradPred.reshape(b * (n + 1))));
            }
        }
        timer.lap("backward");
        INDArray perExample = perEbm.dup();
        INDArray gradTotal = training ? gradEbm.dup() : null;
        GradientLoss.PenaltyAndGradient penalty = null;
        if (addGradPenalty) {
            MLPEBM.Call penaltyCall = net.call(training); // and once more for grad_penalty's network call
            penalty = GradientLoss.gradPenalty(penaltySettings, penaltyKernel(b * (n + 1)), gradNormType, b,
                    ce.chain(), tiled, ce.combined(), training);
            perExample.addi(penalty.perExample());
            if (training) {
                gradTotal.addi(penaltyCall.toParamGradient(penalty.paramGradient()).reshape(gradTotal.shape()));
            }
            timer.lap("penalty");
        }
        float total = meanOverBatch(perExample);
        Map<String, Float> summaries = new LinkedHashMap<>();
        summaries.put("Losses/ebm_total_loss", total);
        debug.forEach((k, v) -> summaries.put("Losses/" + k, v));
        if (penalty != null) {
            summaries.put("Losses/grad_loss", meanOverBatch(penalty.perExample()));
        }
        if (computeMse) {
            summaries.put("Losses/mse_counter_examples", mse);
        }
        if (ce.chain() != null) {
            chainSummaries(ce.chain(), summaries);
        }
        return new Loss(predictions, softmax, perEbm, penalty, perExample, total, mse, gradEbm, gradTotal,
                summaries);
    }

    /** Keras MeanSquaredError(NONE) on [B, n, A] (mean over A), then aggregate_losses: mean over n, Σ_b / B. */
    static float mse(INDArray counter, INDArray actions, int b, int n, int a) {
        float[] c = counter.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] t = actions.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] perExample = new float[b];
        for (int i = 0; i < b; i++) {
            float overN = 0f;
            for (int j = 0; j < n; j++) {
                float overA = 0f;
                for (int k = 0; k < a; k++) {
                    float d = t[i * a + k] - c[(i * n + j) * a + k];
                    overA += d * d;
                }
                overN += overA / a;
            }
            perExample[i] = overN / n;
        }
        return meanOverBatch(Nd4j.createFromArray(perExample));
    }

    /** tf.nn.compute_average_loss: reduce_sum, then a float32 division by B. */
    static float meanOverBatch(INDArray perExample) {
        float[] x = perExample.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float s = 0f;
        for (float v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** IBC's overall/first/final energies and grad norms ("final" is the input of the last step). */
    static void chainSummaries(ChainData chain, Map<String, Float> out) {
        INDArray e = chain.energies();
        INDArray g = chain.gradNorms();
        long k = e.size(0);
        out.put("Losses/overall_energies_avg", e.meanNumber().floatValue());
        out.put("Losses/first_energies_avg", e.getRow(0).meanNumber().floatValue());
        out.put("Losses/final_energies_avg", e.getRow(k - 1).meanNumber().floatValue());
        out.put("Losses/overall_grad_norms_avg", g.meanNumber().floatValue());
        out.put("Losses/first_grad_norms_avg", g.getRow(0).meanNumber().floatValue());
        out.put("Losses/final_grad_norms_avg", g.getRow(k - 1).meanNumber().floatValue());
    }

    // -------------------------------------------------------------------------------------------------- train

    /** One training step's outcome: the counter examples, the loss with its gradients, and the step number done. */
    public record TrainStep(long step, CounterExamples counterExamples, Loss loss) implements BcAgent.Step {
        @Override
        public float totalLoss() {
            return loss.totalLoss();
        }

        @Override
        public Map<String, Float> summaries() {
            return loss.summaries();
        }
    }

    /**
     * IBC's {@code _train} on one batch: counter examples, loss and gradients, a check for NaN/Inf, one Adam
     * update of the network in place; then {@link #trainStep()} advances.
     *
     * @param observations normalized, flattened observations {@code [B, obs]} (see {@link Observations})
     * @param actions      normalized target actions {@code [B, A]}
     * @throws NonFiniteException if the loss, a gradient or an updated weight is NaN or infinite
     */
    @Override
    public TrainStep train(INDArray observations, INDArray actions, NoiseSource noise) {
        timer.begin();
        CounterExamples ce = makeCounterExampleActions(observations, actions, noise);
        Loss loss = loss(observations, actions, ce);
        timer.lap("loss"); // the summaries
        applyGradients(loss);
        timer.lap("optimizer");
        timer.end();
        return new TrainStep(trainStep() - 1, ce, loss);
    }

    /** Checks {@code loss} for NaN/Inf, applies its total gradient with Adam and advances the step counter. */
    public void applyGradients(Loss loss) {
        applyGradients(loss.totalLoss(), loss.perExampleLoss(), loss.gradTotal());
    }

    @Override
    protected Map<String, INDArray> gradientViews(INDArray flatGradient) {
        return net.viewsOf(flatGradient);
    }

    @Override
    protected Map<String, INDArray> weights() {
        return net.params();
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private EbmKernel chainKernel(int rows) {
        if (chainKernel == null || chainKernel.rows() != rows) {
            chainKernel = EbmKernel.create(net, rows);
        }
        return chainKernel;
    }

    /** The network's own kernel for these rows: the training pass's, so the two share their buffers. */
    private EbmKernel penaltyKernel(int rows) {
        return net.kernel(rows);
    }
}
