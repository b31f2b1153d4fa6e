package ibc4j.configurables;

import ibc4j.gin.BundledConfigs;
import ibc4j.gin.ConfigurableSpec;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinRegistry;
import ibc4j.gin.PyValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Java classes that implement IBC's gin configurables, listed by hand (no classpath scanning); mirrors the
 * imports through which IBC's {@code @gin.configurable} decorators run.
 *
 * <p>Each class carries {@code @Configurable} with IBC's name, so it takes over the IBC registration from
 * {@code ibc_configurables.json}. Its {@code @Param} defaults must equal IBC's ({@link #defaultMismatches}), and
 * it adds no parameter unless marked {@link ibc4j.gin.Extension}. A configurable IBC does not have
 * ({@code autoregressive_dfo}) registers under its Java package and is not in the JSON, which lists IBC's
 * registrations only.
 */
public final class IbcConfigurables {
    private IbcConfigurables() {}

    /** Add a class here when it implements an IBC configurable; {@code IbcConfigurables.registry()} reads it. */
    public static final List<Class<?>> CLASSES = List.of(
            ibc4j.agents.ImplicitBCAgent.class,     // ibc/agents/ibc_agent.py
            ibc4j.agents.IbcPolicy.class,           // ibc/agents/ibc_policy.py
            ibc4j.agents.MseAgent.class,            // MseBehavioralCloningAgent (ibc/agents/mse_agent.py)
            ibc4j.networks.MLPMSE.class,            // networks/mlp_mse.py
            ibc4j.agents.mcmc.Mcmc.class,                // langevin_actions_given_obs (ibc/agents/mcmc.py)
            ibc4j.agents.mcmc.AutoregressiveDfo.class,   // autoregressive_dfo: ibc4j's, the paper's App. B.1
            ibc4j.agents.MdnAgent.class,            // MdnBehavioralCloningAgent (ibc/agents/mdn_agent.py)
            ibc4j.networks.MLPMDN.class,            // networks/mlp_mdn.py
            ibc4j.losses.GradientLoss.class,        // grad_penalty (ibc/losses/gradient_loss.py)
            ibc4j.environments.particle.ParticleEnv.class,
            ibc4j.networks.MLPEBM.class,            // networks/mlp_ebm.py
            ibc4j.networks.layers.ResNetNormalizer.class, // ResNetLayer (networks/layers/resnet.py)
            ibc4j.networks.pixel.PixelEBM.class,    // networks/pixel_ebm.py
            ibc4j.networks.pixel.ConvMLPMSE.class,  // networks/pixel_mse.py
            ibc4j.networks.pixel.ConvMLPMDN.class,  // networks/pixel_mdn.py
            ibc4j.networks.pixel.DenseResnetValue.class, // networks/layers/dense_resnet_value.py
            ibc4j.networks.pixel.SpatialAttentionEncoder.class, // networks/layers/spatial_attention_encoder.py
            ibc4j.normalizers.GetNormalizers.class,       // get_normalizers, compute_dataset_statistics (ibc/train/)
            ibc4j.train.TrainEval.class);           // train_eval (ibc/train_eval.py)

    private static final class Holder {
        // Built once: parsing IBC's registry takes a while, and nothing registers into it afterwards.
        static final GinRegistry REGISTRY = create();
    }

    /** IBC's registry: gin's built-ins, every IBC configurable and constant, and the Java classes in {@link #CLASSES}. */
    public static GinRegistry registry() {
        return Holder.REGISTRY;
    }

    /** A fresh binder over {@link #registry()}, as IBC's train_eval.py binds its configs. */
    public static GinConfig newGinConfig() {
        return new GinConfig(registry());
    }

    /** Adds IBC's own registrations (every configurable, "registered, not implemented", and constant) to {@code r}. */
    public static GinRegistry withIbcRegistrations(GinRegistry r) {
        IbcConfigurablesJson.load(r);
        return r.upstreamName("IBC");
    }

    private static GinRegistry create() {
        // IBC's configs ship in the jar under ibc4j/configs/; IBC's run scripts spell them ibc/configs/...
        GinRegistry r = withIbcRegistrations(new GinRegistry())
                .bundledConfigs(new BundledConfigs("configs/", "/ibc4j/", List.of("ibc/")));
        CLASSES.forEach(r::register);
        return r;
    }

    /**
     * How a Java stand-in's signature differs from IBC's: parameters missing on either side, and literal
     * defaults that are not equal in Python's sense. Empty for a faithful port, or for a spec IBC never had.
     */
    public static List<String> defaultMismatches(ConfigurableSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec.upstreamParams() == null) {
            return out;
        }
        Map<String, ConfigurableSpec.ParamSpec> java = spec.params().stream()
                .collect(Collectors.toMap(ConfigurableSpec.ParamSpec::name, Function.identity()));
        for (ConfigurableSpec.ParamSpec ibc : spec.upstreamParams()) {
            ConfigurableSpec.ParamSpec j = java.remove(ibc.name());
            if (j == null) {
                out.add(spec.name() + "." + ibc.name() + ": in IBC, missing in Java");
            } else if (ibc.hasDefault() != j.hasDefault()) {
                out.add(spec.name() + "." + ibc.name() + ": IBC default " + ibc.defaultText() + ", Java "
                        + j.defaultText());
            } else if (ibc.literal() && !PyValues.pyEquals(ibc.defaultValue(), j.defaultValue())) {
                out.add(spec.name() + "." + ibc.name() + ": IBC default " + ibc.defaultText() + ", Java "
                        + j.defaultText());
            }
        }
        java.values().stream().filter(p -> !p.extension()).map(ConfigurableSpec.ParamSpec::name).sorted()
                .forEach(n -> out.add(spec.name() + "." + n + ": in Java, not in IBC"));
        return out;
    }
}
