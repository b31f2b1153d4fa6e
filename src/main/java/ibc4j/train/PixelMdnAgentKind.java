package ibc4j.train;

import ibc4j.agents.BcAgent;
import ibc4j.agents.PixelMdnAgent;
import ibc4j.gin.GinConfig;
import ibc4j.networks.pixel.ConvMLPMDN;
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
 * {@code loss_type='mdn'}, {@code network='ConvMLPMDN'}: how {@code get_cloning_network('ConvMLPMDN', ...)} and
 * {@code get_agent} build the pixel MDN network and MdnBehavioralCloningAgent ({@code ibc/train/
 * get_cloning_network.py}, {@code ibc/train/get_agent.py}, IBC db89ddb). It reads {@code obs['rgb']} like the other
 * pixel kinds; its agent evaluates with the sampling {@link ibc4j.agents.PixelMdnPolicy}.
 */
final class PixelMdnAgentKind implements PixelAgentKinds.ImageAgentKind {
    @Override
    public String lossType() {
        return "mdn";
    }

    @Override
    public String network() {
        return "ConvMLPMDN";
    }

    @Override
    public BcAgent imageAgent(GinConfig gin, Seeds seeds, PixelEBM.ImageSpec rgb, int actionDim,
                              ibc4j.data.TensorSpec envActionSpec, GetNormalizers.NormalizationInfo norm,
                              SamplingSpec sampling, TrainCheckpoint.State resumed, ExponentialDecay schedule)
            throws IOException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("obs_spec", new PixelEBM.ImageSpec(rgb.sequenceLength(), rgb.height(), rgb.width(), rgb.channels(),
                seeds.derive("ConvMLPMDN", 0)));
        args.put("action_spec", actionDim);
        args.put("act_denorm_layer", norm.actNorm());
        ConvMLPMDN net = (ConvMLPMDN) gin.call("ConvMLPMDN", args);
        KerasAdam adam = AgentKinds.restore(net.graph().params(), Map.of(), resumed, schedule);
        return new PixelMdnAgent(net, adam, resumed == null ? 0L : resumed.step(),
                () -> new ibc4j.agents.PixelMdnPolicy(envActionSpec, net, norm.obsNorm()));
    }
}
