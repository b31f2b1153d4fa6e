package ibc4j.agents.mcmc;

import ibc4j.runtime.NoiseSource;
import ibc4j.networks.pixel.PixelEBM;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Langevin and DFO over {@link PixelEBM}; mirrors the {@code late_fusion} branches of {@code ibc/agents/mcmc.py}
 * ({@code langevin_actions_given_obs}, {@code iterative_dfo}) (IBC db89ddb): the observations are encoded ONCE,
 * the encoding is tiled per action sample and held fixed, and every step evaluates f and ∂f/∂a through the
 * DL4J value graph ({@link PixelEBM#actionGradient}: backprop to the action input). The samplers themselves are
 * {@link Mcmc} and {@link Dfo}, unchanged: this class only supplies their {@link Mcmc.ActionGradient} /
 * {@link Dfo.Energies}, as {@code EbmKernel} does for MLPEBM.
 */
public final class PixelEbmSampling {
    private PixelEbmSampling() {}

    /** f and ∂f/∂a at fixed (tiled) encodings {@code [M, 256]}, through the value graph. */
    public static Mcmc.ActionGradient actionGradient(PixelEBM net, INDArray tiledEncoding) {
        return (actions, energies, grads) -> {
            PixelEBM.ActionGradient g = net.actionGradient(tiledEncoding, actions);
            energies.assign(g.energies());
            grads.assign(g.dfDa());
        };
    }

    /** f at fixed (tiled) encodings, for DFO. */
    public static Dfo.Energies energies(PixelEBM net, INDArray tiledEncoding) {
        return (actions, out) -> out.assign(net.energiesGivenEncoding(tiledEncoding, actions));
    }

    /**
     * The encodings a chain over {@code actionRows} samples holds: {@code encode(obs)} tiled by
     * {@code actionRows / B} (IBC's late fusion: obs is [B, ...]); with {@code lateFusion} false IBC hands in
     * observations already tiled to one row per sample, which are encoded as they are (same values, B·n encodes).
     */
    public static INDArray encodings(PixelEBM net, INDArray rgb, long actionRows, boolean lateFusion) {
        long b = rgb.size(0);
        if (!lateFusion) {
            Preconditions.checkArgument(b == actionRows, "PixelEBM without late_fusion: %s observation rows for %s "
                    + "action samples (IBC tiles the observations first)", b, actionRows);
            return net.encode(rgb);
        }
        Preconditions.checkArgument(actionRows % b == 0, "late fusion: %s action samples for %s observations",
                actionRows, b);
        return PixelEBM.tileBatch(net.encode(rgb), (int) (actionRows / b));
    }

    /** {@code langevin_actions_given_obs(late_fusion=...)} over a PixelEBM. */
    public static Mcmc.Result langevin(PixelEBM net, INDArray rgb, INDArray initialActions, boolean lateFusion,
                                       float[] minActions, float[] maxActions, LangevinConfig cfg,
                                       NoiseSource noise) {
        INDArray enc = encodings(net, rgb, initialActions.size(0), lateFusion);
        return Mcmc.langevinActionsGivenObs(actionGradient(net, enc), initialActions, minActions, maxActions, cfg,
                noise);
    }

    /** {@code iterative_dfo(late_fusion=True)} over a PixelEBM: {@code rgb} [B, ...], samples [B·n, A]. */
    public static Dfo.Result iterativeDfo(PixelEBM net, INDArray rgb, INDArray actionSamples, int numActionSamples,
                                          float[] minActions, float[] maxActions, float temperature,
                                          int numIterations, float iterationStd, NoiseSource noise) {
        INDArray enc = encodings(net, rgb, actionSamples.size(0), true);
        return Dfo.iterativeDfo(energies(net, enc), (int) rgb.size(0), actionSamples, numActionSamples, minActions,
                maxActions, temperature, numIterations, iterationStd, noise);
    }
}
