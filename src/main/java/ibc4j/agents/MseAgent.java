package ibc4j.agents;

import ibc4j.gin.Configurable;
import ibc4j.gin.Param;
import ibc4j.losses.MseLoss;
import ibc4j.networks.MLPMSE;
import ibc4j.networks.layers.KerasDropout;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.StepMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Explicit behavioral cloning with a mean-squared-error loss; mirrors {@code ibc/agents/mse_agent.py}
 * MseBehavioralCloningAgent ({@code _loss}) and {@code ibc/agents/base_agent.py} {@code _train} (IBC db89ddb), the
 * agent {@code get_agent} builds for {@code loss_type='mse'}.
 *
 * <p>One step on normalized, flattened observations {@code [B, obs]} and normalized actions {@code [B, A]}:
 * {@code y = MLPMSE(obs, training=True)} (Keras dropout, its draws from the given {@link NoiseSource}),
 * per-example loss {@code mean_a (y − t)²}, total {@code Σ_b / B} ({@link MseLoss}), its gradient by DL4J backprop
 * through the same dropout masks, one Keras Adam update of the network's flat parameters. IBC logs the total as
 * {@code Losses/mse_total_loss}.
 *
 * <p>A NaN or infinity in the loss, a gradient or a weight stops training with a {@link NonFiniteException}
 * naming the step and the tensor (IBC: {@code tf.debugging.check_numerics} on the loss).
 */
@Configurable("MseBehavioralCloningAgent")
public final class MseAgent extends BehavioralCloningAgent {
    private final MLPMSE net;
    private final Object actionSpec;
    private final Object obsNormLayer;
    private MsePolicy policy;

    /** IBC's constructor, parameter for parameter (names and defaults as {@code MseBehavioralCloningAgent}). */
    public MseAgent(
            @Param(value = "time_step_spec", doc = "tf-agents time step spec (unused)") Object timeStepSpec,
            @Param(value = "action_spec", doc = "the env's bounded action spec (the policy clips to it)")
            Object actionSpec,
            @Param(value = "action_sampling_spec", doc = "unused by the MSE agent") Object actionSamplingSpec,
            @Param(value = "cloning_network", doc = "the MLPMSE") MLPMSE cloningNetwork,
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
    public static MseAgent create(MLPMSE net, KerasAdam optimizer, Object actionSpec, Object obsNormLayer) {
        return new MseAgent(null, actionSpec, null, net, optimizer, obsNormLayer, null, null, false, false, null,
                null);
    }

    public MLPMSE network() {
        return net;
    }

    @Override
    public INDArray flatParams() {
        return net.graph().params();
    }

    /**
     * IBC's {@code agent.policy}: GreedyPolicy over MsePolicyWrapper on this agent's network, action spec and
     * observation normalizer.
     */
    @Override
    public MsePolicy policy() {
        if (policy == null) {
            policy = StepMemory.persistent(() -> new MsePolicy(actionSpec, net, obsNormLayer));
        }
        return policy;
    }

    /**
     * Everything one {@code _loss} (training=True) computes.
     *
     * @param predictions    {@code bc_action = MLPMSE(obs, training=True)} {@code [B, A]}
     * @param perExampleLoss {@code [B]}
     * @param totalLoss      {@code Σ_b / B}
     * @param gradient       ∂total/∂θ, flat in the graph's layout (see {@link MLPMSE#viewsOf})
     * @param summaries      {@code Losses/mse_total_loss}
     */
    public record Loss(INDArray predictions, INDArray perExampleLoss, float totalLoss, INDArray gradient,
                       Map<String, Float> summaries) {}

    /** {@code _loss} (training=True) with the parameter gradient; the dropout draws come from {@code noise}. */
    public Loss loss(INDArray observations, INDArray actions, NoiseSource noise) {
        checkFlatBatch(observations, actions, net.obsDim(), net.actionDim());
        MseLoss.Result[] result = new MseLoss.Result[1];
        MLPMSE.TrainingPass pass;
        try (KerasDropout.Binding s = net.dropoutNoise(noise)) {
            pass = net.trainingPass(observations, y -> {
                result[0] = MseLoss.compute(y, actions);
                return result[0].gradOutput();
            });
        }
        Map<String, Float> summaries = new LinkedHashMap<>();
        summaries.put("Losses/mse_total_loss", result[0].total());
        return new Loss(pass.output(), result[0].perExample(), result[0].total(), pass.gradient(), summaries);
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

    /** Checks {@code loss} for NaN/Inf, applies its gradient with Adam and advances the step counter. */
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
