package ibc4j.agents;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.losses.MdnLoss;
import ibc4j.networks.MLPMDN;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.StepMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Behavioral cloning with a mixture density network; mirrors {@code ibc/agents/mdn_agent.py}
 * MdnBehavioralCloningAgent ({@code _loss}) and {@code ibc/agents/base_agent.py} {@code _train} (IBC db89ddb),
 * the agent {@code get_agent} builds for {@code loss_type='mdn'}.
 *
 * <p>One step on normalized, flattened observations {@code [B, obs]} and normalized actions {@code [B, A]}: the
 * training-mode mixture {@code MLPMDN(obs, training=True)} (dropout from the given {@link NoiseSource}),
 * per-example loss {@code −log_prob(action)}, total {@code Σ_b / B} ({@link MdnLoss}), its gradient by DL4J
 * backprop, one Keras Adam update. IBC logs the total as {@code Losses/mdn_total_loss}.
 *
 * <p>A NaN or infinity in the loss, a gradient or a weight stops training with a {@link NonFiniteException}
 * naming the step and the tensor (IBC: {@code tf.debugging.check_numerics} on the loss).
 */
@Configurable("MdnBehavioralCloningAgent")
public final class MdnAgent extends BehavioralCloningAgent {
    private final MLPMDN net;
    private final Object actionSpec;
    private final Object obsNormLayer;
    private MdnPolicy policy;

    /** IBC's constructor, parameter for parameter. */
    public MdnAgent(
            @Param(value = "time_step_spec", doc = "tf-agents time step spec (unused)") Object timeStepSpec,
            @Param(value = "action_spec", doc = "the env's bounded action spec (the policy clips to it)")
            Object actionSpec,
            @Param(value = "action_sampling_spec", doc = "unused by the MDN agent") Object actionSamplingSpec,
            @Param(value = "cloning_network", doc = "the MLPMDN") MLPMDN cloningNetwork,
            @Param(value = "optimizer", doc = "Keras Adam over the network's flat parameters") KerasAdam optimizer,
            @Param(value = "obs_norm_layer", dflt = "None", doc = "for the policy") Object obsNormLayer,
            @Param(value = "act_norm_layer", dflt = "None", doc = "unused (data is normalized upstream)")
            Object actNormLayer,
            @Param(value = "act_denorm_layer", dflt = "None",
                    doc = "unused here: the network applies its own at inference") Object actDenormLayer,
            @Param(value = "debug_summaries", dflt = "False", doc = "unused") boolean debugSummaries,
            @Param(value = "summarize_grads_and_vars", dflt = "False", doc = "unused") boolean summarizeGradsAndVars,
            @Param(value = "train_step_counter", dflt = "None", doc = "starting step (a number), else 0")
            Object trainStepCounter,
            @Param(value = "name", dflt = "None", doc = "unused") String name) {
        super(optimizer, trainStepCounter);
        this.net = java.util.Objects.requireNonNull(cloningNetwork, "cloning_network");
        this.actionSpec = actionSpec;
        this.obsNormLayer = obsNormLayer;
    }

    /** An agent without gin: IBC's defaults except the network, optimizer, action spec and obs normalizer. */
    public static MdnAgent create(MLPMDN net, KerasAdam optimizer, Object actionSpec, Object obsNormLayer) {
        return new MdnAgent(null, actionSpec, null, net, optimizer, obsNormLayer, null, null, false, false, null,
                null);
    }

    public MLPMDN network() {
        return net;
    }

    @Override
    public INDArray flatParams() {
        return net.graph().params();
    }

    /** IBC's {@code agent.policy}: MdnPolicyWrapper (it samples; IBC wraps no GreedyPolicy around it). */
    @Override
    public MdnPolicy policy() {
        if (policy == null) {
            policy = StepMemory.persistent(() -> new MdnPolicy(actionSpec, net, obsNormLayer));
        }
        return policy;
    }

    /**
     * Everything one {@code _loss} (training=True) computes.
     *
     * @param loss      the per-example and total loss, and the gradients at the three Dense outputs
     * @param gradient  ∂total/∂θ, flat in the graph's layout (see {@link MLPMDN#viewsOf})
     * @param summaries {@code Losses/mdn_total_loss}
     */
    public record Loss(MdnLoss.Result loss, INDArray gradient, Map<String, Float> summaries) {
        public float totalLoss() {
            return loss.total();
        }

        public INDArray perExampleLoss() {
            return loss.perExample();
        }
    }

    /** {@code _loss} (training=True) with the parameter gradient; the dropout draws come from {@code noise}. */
    public Loss loss(INDArray observations, INDArray actions, NoiseSource noise) {
        checkFlatBatch(observations, actions, net.obsDim(), net.actionDim());
        MdnLoss.Result[] result = new MdnLoss.Result[1];
        MLPMDN.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(noise)) {
            pass = net.trainingPass(observations, (mu, logvar, pi) -> {
                result[0] = MdnLoss.compute(net.head(), mu, logvar, pi, actions);
                return new INDArray[] {result[0].gradMu(), result[0].gradLogvar(), result[0].gradPi()};
            });
        }
        Map<String, Float> summaries = new LinkedHashMap<>();
        summaries.put("Losses/mdn_total_loss", result[0].total());
        return new Loss(result[0], pass.gradient(), summaries);
    }

    /** One training step's outcome. */
    public record TrainStep(long step, Loss loss) implements BcAgent.Step {
        @Override
        public float totalLoss() {
            return loss.totalLoss();
        }

        @Override
        public Map<String, Float> summaries() {
            return loss.summaries();
        }
    }

    @Override
    public TrainStep train(INDArray observations, INDArray actions, NoiseSource noise) {
        Loss loss = loss(observations, actions, noise);
        applyGradients(loss);
        return new TrainStep(trainStep() - 1, loss);
    }

    /** base_agent's {@code _train} after {@code _loss}: NaN/Inf checks, the Adam update, the step counter. */
    public void applyGradients(Loss loss) {
        applyGradients(loss.totalLoss(), loss.perExampleLoss(), loss.gradient());
    }

    @Override
    protected Map<String, INDArray> gradientViews(INDArray flatGradient) {
        return net.viewsOf(flatGradient);
    }

    @Override
    protected Map<String, INDArray> weights() {
        return net.params();
    }
}
