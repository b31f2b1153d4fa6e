package ibc4j.bench;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A family's network, agent and policy made the way {@code train_eval} makes them (ibc/ibc/train_eval.py and
 * get_agent.py): the family's gin file plus {@code bindings}, {@code MLPEBM} through gin, {@code ImplicitBCAgent}
 * through gin with Keras Adam on {@code ExponentialDecay(train_eval.learning_rate, 100, 0.99)}, and the agent's
 * greedy policy ({@code IbcPolicy} through the same gin). Observations and actions are normalized upstream, so
 * the sampling spec is [-1, 1] (the timing does not depend on its bounds).
 */
public record FamilySetup(BenchFamily family, GinConfig gin, MLPEBM net, ImplicitBCAgent agent, int batch,
                          int obsDim, int actionDim, boolean addGradPenalty, boolean langevinCounterExamples,
                          List<String> bindings) {
    /** The weights' seed; any fixed value (timings do not depend on the weights' values). */
    static final long INIT_SEED = 0;

    public static FamilySetup create(BenchFamily family, List<String> bindings, int obsDim, int actionDim) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        gin.parseFilesAndBindings(List.of(family.ginFile()), bindings);
        Map<String, Object> netArgs = new LinkedHashMap<>();
        netArgs.put("obs_spec", new MLPEBM.InputSpec(obsDim, actionDim, INIT_SEED));
        netArgs.put("action_spec", null);
        MLPEBM net = (MLPEBM) gin.call("MLPEBM", netArgs);
        double lr = ((Number) gin.queryParameter("train_eval.learning_rate")).doubleValue();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("time_step_spec", null);
        args.put("action_spec", family.actionBounds(actionDim));
        args.put("action_sampling_spec", new SamplingSpec(null, null, -1f, 1f));
        args.put("cloning_network", net);
        args.put("optimizer", new KerasAdam(new ExponentialDecay((float) lr, 100f, 0.99f), net.graph().numParams()));
        Map<String, Object> resolved = gin.resolveArguments("ImplicitBCAgent", args);
        boolean penalty = (Boolean) resolved.get("add_grad_penalty");
        boolean langevin = ((Number) resolved.get("fraction_langevin_samples")).doubleValue() > 0;
        ImplicitBCAgent agent = gin.make(ImplicitBCAgent.class, args);
        int batch = ((Number) gin.queryParameter("train_eval.batch_size")).intValue();
        return new FamilySetup(family, gin, net, agent, batch, obsDim, actionDim, penalty, langevin,
                List.copyOf(bindings));
    }

    public IbcPolicy policy() {
        return agent.policy();
    }

    public int width() {
        return net.config().width();
    }

    public int depth() {
        return net.config().depth();
    }

    public int counterExamples() {
        return agent.numCounterExamples();
    }

    public int langevinSteps() {
        return agent.langevin().numIterations();
    }

    /** Rows of the counter examples: B·n. */
    public int chainRows() {
        return batch * counterExamples();
    }

    /** Rows of the training forward: B·(n+1). */
    public int trainRows() {
        return batch * (counterExamples() + 1);
    }

    /** The shape fields, named as bench_tf.py names them for this family. */
    public Map<String, Object> shape() {
        IbcPolicy p = policy();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", family.cliName());
        m.put("batch", batch);
        m.put("counter_examples", counterExamples());
        m.put("langevin_steps", usesLangevin() ? langevinSteps() : 0);
        m.put("grad_penalty", addGradPenalty);
        m.put("width", width());
        m.put("depth", depth());
        m.put("obs_dim", obsDim);
        m.put("action_dim", actionDim);
        m.put("inference_samples", p.numActionSamples());
        m.put("spectral_norm", net.spectralNorm());
        return m;
    }

    /** Whether the training step or the policy runs a Langevin chain (d4rl does, push does not). */
    public boolean usesLangevin() {
        return langevinCounterExamples || policy().settings().useLangevin();
    }
}
