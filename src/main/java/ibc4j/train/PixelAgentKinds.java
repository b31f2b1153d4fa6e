package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.BcPolicy;
import ibc4j.agents.PixelEbmAgent;
import ibc4j.agents.PixelIbcPolicy;
import ibc4j.agents.PixelImplicitBC;
import ibc4j.agents.PixelMseAgent;
import ibc4j.agents.PixelMsePolicy;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.data.TensorSpec;
import ibc4j.gin.GinConfig;
import ibc4j.losses.GradientLoss;
import ibc4j.networks.pixel.ConvMLPMSE;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.normalizers.GetNormalizers;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.Seeds;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent kinds over IBC's pixel networks ({@code ibc/train/get_cloning_network.py}, {@code get_agent.py}, IBC
 * db89ddb): {@code ('mse', 'ConvMLPMSE')} and {@code ('ebm', 'PixelEBM')}. They read {@code obs['rgb']}, so they
 * are built from its spec ({@link ImageAgentKind}); their agents evaluate with {@link PixelMsePolicy} and
 * {@link PixelIbcPolicy} (IbcPolicy's gin bindings) in the Rgb env through the bridge.
 */
final class PixelAgentKinds {
    private PixelAgentKinds() {}

    /** A kind whose network reads the image observation {@code obs['rgb']}. */
    interface ImageAgentKind extends AgentKind {
        /**
         * The network over images of {@code rgb}'s shape (its initial weights derived from {@code seeds}), Keras
         * Adam with {@code schedule} and the agent, whose evaluation policy clips to {@code envActionSpec} (null:
         * no clip); restored from {@code resumed} when it is not null.
         */
        BcAgent imageAgent(GinConfig gin, Seeds seeds, PixelEBM.ImageSpec rgb, int actionDim, TensorSpec envActionSpec,
                           GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
                           TrainCheckpoint.State resumed, ExponentialDecay schedule) throws IOException;

        @Override
        default BcAgent agent(GinConfig gin, Seeds seeds, int obsDim, int actionDim, TensorSpec envActionSpec,
                              GetNormalizers.NormalizationInfo norm, SamplingSpec sampling,
                              TrainCheckpoint.State resumed, ExponentialDecay schedule) {
            throw new UnsupportedOperationException(network() + " reads the image observation 'rgb': it is built "
                    + "from the image's spec, not a flat observation width");
        }

        @Override
        default BcPolicy policy(GinConfig gin, int obsDim, TrainCheckpoint.State saved, TensorSpec actionSpec) {
            throw new UnsupportedOperationException(network() + " reads the image observation 'rgb': its policy is "
                    + "built from the image's spec (imagePolicy), not a flat observation width");
        }

        @Override
        default boolean readsImages() {
            return true;
        }

        /** The agent rebuilt as train_eval builds it (same seeds, norm, sampling), the saved weights loaded. */
        @Override
        default BcPolicy imagePolicy(GinConfig gin, int sequenceLength, TensorSpec rgb, TrainCheckpoint.State saved,
                                     TensorSpec actionSpec) throws IOException {
            int[] s = rgb.shape();
            if (s.length != 3) {
                throw new IllegalArgumentException(network() + " reads 'rgb' of shape [H, W, C]; the env's is "
                        + rgb.describe());
            }
            BcAgent agent = imageAgent(gin, new Seeds(saved.seed()), new PixelEBM.ImageSpec(sequenceLength, s[0],
                    s[1], s[2]), saved.norm().minActions().length, actionSpec, saved.norm(), saved.sampling(), null,
                    new ExponentialDecay(1e-3f, 100, 0.99f));
            TrainCheckpoint.loadInto(agent.flatParams(), saved.params());
            TrainCheckpoint.loadStateInto(agent.networkState(), saved.networkState());
            return agent.policy();
        }
    }

    private static PixelEBM.ImageSpec seeded(PixelEBM.ImageSpec s, long seed) {
        return new PixelEBM.ImageSpec(s.sequenceLength(), s.height(), s.width(), s.channels(), seed);
    }

    /** {@code loss_type='mse'}, {@code network='ConvMLPMSE'}: MseBehavioralCloningAgent over ConvMLPMSE. */
    static final class ConvMlpMse implements ImageAgentKind {
        @Override
        public String lossType() {
            return "mse";
        }

        @Override
        public String network() {
            return "ConvMLPMSE";
        }

        @Override
        public BcAgent imageAgent(GinConfig gin, Seeds seeds, PixelEBM.ImageSpec rgb, int actionDim,
                                  TensorSpec envActionSpec, GetNormalizers.NormalizationInfo norm,
                                  SamplingSpec sampling, TrainCheckpoint.State resumed, ExponentialDecay schedule)
                throws IOException {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("obs_spec", seeded(rgb, seeds.derive("ConvMLPMSE", 0)));
            args.put("action_spec", actionDim);
            args.put("act_denorm_layer", norm.actNorm());
            ConvMLPMSE net = (ConvMLPMSE) gin.call("ConvMLPMSE", args);
            KerasAdam adam = AgentKinds.restore(net.graph().params(), Map.of(), resumed, schedule);
            return new PixelMseAgent(net, adam, resumed == null ? 0L : resumed.step(),
                    () -> new PixelMsePolicy(envActionSpec, net, norm.obsNorm()));
        }
    }

    /**
     * {@code loss_type='ebm'}, {@code network='PixelEBM'}: ImplicitBCAgent over PixelEBM, its bindings read through
     * gin: {@code late_fusion=True}, uniform and/or Langevin counter examples, the final-sample gradient penalty
     * ({@link PixelImplicitBC} refuses the rest with the reason).
     */
    static final class PixelEbm implements ImageAgentKind {
        @Override
        public String lossType() {
            return "ebm";
        }

        @Override
        public String network() {
            return "PixelEBM";
        }

        @Override
        public BcAgent imageAgent(GinConfig gin, Seeds seeds, PixelEBM.ImageSpec rgb, int actionDim,
                                  TensorSpec envActionSpec, GetNormalizers.NormalizationInfo norm,
                                  SamplingSpec sampling, TrainCheckpoint.State resumed, ExponentialDecay schedule)
                throws IOException {
            Map<String, Object> a = gin.resolveArguments("ImplicitBCAgent", Map.of());
            if (!Boolean.TRUE.equals(a.get("late_fusion"))) {
                throw new UnsupportedOperationException("PixelEBM training needs ImplicitBCAgent.late_fusion = True "
                        + "(IBC's pixel configs set it); got " + a.get("late_fusion"));
            }
            if ("autoregressive".equals(a.get("dfo_kind"))) {
                throw new UnsupportedOperationException("PixelEBM training does not support "
                        + "ImplicitBCAgent.dfo_kind = 'autoregressive' (autoregressive_dfo is MLPEBM only)");
            }
            if (!"info_nce".equals(a.get("ebm_loss_type"))) {
                throw new UnsupportedOperationException("PixelEBM training supports ImplicitBCAgent.ebm_loss_type "
                        + "= 'info_nce'; got " + a.get("ebm_loss_type"));
            }
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("obs_spec", seeded(rgb, seeds.derive("PixelEBM", 0)));
            args.put("action_spec", actionDim);
            PixelEBM net = (PixelEBM) gin.call("PixelEBM", args);
            KerasAdam adam = AgentKinds.restore(net.flatParams(), Map.of(), resumed, schedule);
            PixelImplicitBC step = PixelImplicitBC.create(net, adam, settings(gin, a,
                    sampling.minActions(actionDim), sampling.maxActions(actionDim)));
            java.util.function.Supplier<BcPolicy> policy = () -> PixelIbcPolicy.fromGin(gin, net, envActionSpec,
                    sampling, norm.obsNorm(), norm.actNorm());
            if (envActionSpec != null) {
                // Evaluating: IbcPolicy's bindings are resolved now, as IBC's agent builds its policy, so that they
                // reach the operative config and a refused setting stops the run before training.
                BcPolicy made = policy.get();
                policy = () -> made;
            }
            return new PixelEbmAgent(step.startingAt(resumed == null ? 0L : resumed.step()), policy);
        }

        /**
         * The agent's bindings plus langevin_actions_given_obs' and grad_penalty's, resolved as IBC's calls would
         * receive them. IBC's agent passes return_chain and grad_norm_type; late_fusion is read here and not passed
         * on, because the chain over a PixelEBM encodes once either way (PixelImplicitBC's class comment).
         */
        static PixelImplicitBC.Settings settings(GinConfig gin, Map<String, Object> a, float[] min, float[] max) {
            Map<String, Object> chainArgs = new LinkedHashMap<>();
            chainArgs.put("return_chain", a.get("return_full_chain"));
            chainArgs.put("grad_norm_type", a.get("grad_norm_type"));
            chainArgs.put("late_fusion", false);
            return new PixelImplicitBC.Settings(((Number) a.get("num_counter_examples")).intValue(), min, max,
                    ((Number) a.get("softmax_temperature")).floatValue(),
                    ((Number) a.get("fraction_langevin_samples")).doubleValue(),
                    ((Number) a.get("fraction_dfo_samples")).doubleValue(),
                    Boolean.TRUE.equals(a.get("add_grad_penalty")), (String) a.get("grad_norm_type"),
                    Boolean.TRUE.equals(a.get("compute_mse")), Mcmc.resolveLangevin(gin, chainArgs),
                    GradientLoss.resolveSettings(gin));
        }
    }
}
