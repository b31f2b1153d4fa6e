package ibc4j.parity.checks;

import ibc4j.agents.mcmc.Dfo;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.Float32ErrorBounds;
import ibc4j.networks.MLPEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import ibc4j.runtime.NoiseSource;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Dfo#iterativeDfo} against {@code ibc/agents/mcmc.py:iterative_dfo} as IbcPolicy calls it, with TF's
 * uniform init, normal perturbations and categorical draws replayed.
 *
 * <p>The resampling follows the replayed draws, not the logits, so the sample sets never depend on the network's
 * rounding: the run is free-running and still every set must equal TF's bit for bit. Only the scores
 * ({@code log_probs}, the returned {@code probs}) carry float32 error; they are compared on those exact sets.
 */
public final class IterativeDfoCheck implements ComponentCheck {
    @Override
    public String component() {
        return "iterative_dfo";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        MLPEBM net = GoldenNetworks.network(g);
        INDArray obs = g.tensor("obs");
        int rows = (int) obs.size(0);
        int batch = g.intParam("batch");
        int n = g.intParam("num_action_samples");
        int a = net.actionDim();
        int iters = g.intParam("num_iterations");
        float lo = (float) g.doubleParam("sampling_lo");
        float hi = (float) g.doubleParam("sampling_hi");
        INDArray init = LangevinChainCheck.uniformInit(g.tensor("init_uniform"), lo, hi);
        List<INDArray> normals = new ArrayList<>();
        List<INDArray> draws = new ArrayList<>();
        for (int i = 0; i < iters; i++) {
            draws.add(g.tensor("iter" + i + "_categorical"));
            if (i > 0) {
                normals.add(g.tensor("iter" + i + "_noise"));
            }
        }
        EbmKernel kernel = EbmKernel.create(net, rows);
        kernel.prepareObservations(obs);
        Dfo.Energies f = (act, e) -> e.assign(kernel.energies(act));
        List<Dfo.Iteration> trace = new ArrayList<>();
        Dfo.Result r = Dfo.iterativeDfo(f, batch, init, n, ibc4j.agents.mcmc.Mcmc.bounds(lo, a), ibc4j.agents.mcmc.Mcmc.bounds(hi, a),
                (float) g.doubleParam("temperature"), iters, (float) g.doubleParam("iteration_std"),
                NoiseSource.replay(List.of(), normals, draws), trace);

        Tolerance copy = Tolerance.exact("the draws are replayed, so every set is the same float32 copies, "
                + "U·(hi−lo)+lo and S+N·std as TF computes them");
        List<TensorResult> out = new ArrayList<>();
        double tolE = 0;
        for (int i = 0; i < iters; i++) {
            Dfo.Iteration it = trace.get(i);
            String p = "iter" + i + "_";
            if (i > 0) {
                out.add(TensorResult.compare(g, p + "perturbed_pre_clip", it.perturbedPreClip(), copy));
            }
            out.add(TensorResult.compare(g, p + "samples", it.samples(), copy));
            kernel.energies(obs, it.samples());
            double bound = new Float32ErrorBounds(kernel).head;
            tolE = Math.max(tolE, bound);
            out.add(TensorResult.compare(g, p + "log_probs", it.logProbs(), Tolerance.of(bound, 0,
                    "f/1.0: 4·√K·u·Σ|terms| through the network on these samples")));
            out.add(TensorResult.compare(g, p + "counts", Nd4j.createFromArray(it.counts()), Tolerance.exact(
                    "bincount of TF's replayed categorical draws")));
            out.add(TensorResult.compare(g, p + "resampled", it.resampled(), copy));
        }
        out.add(TensorResult.compare(g, "probs", r.probabilities(), Tolerance.of(1e-9, 2 * tolE + 8 * Float32ErrorBounds.U,
                "softmax: an error ε in the logits moves each p by ≤ 2ε relative; plus exp/sum/divide ulps")));
        out.add(TensorResult.compare(g, "final_samples", r.actions(), copy));
        return out;
    }
}
