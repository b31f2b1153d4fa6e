package ibc4j.bench;

import java.util.Map;

import ibc4j.agents.LangevinConfig;
import ibc4j.agents.Mcmc;
import ibc4j.agents.NoiseSource;
import ibc4j.losses.EbmLoss;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import ibc4j.train.ExponentialDecay;
import ibc4j.train.KerasAdam;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One IBC training step (spec ibc-learning.md §4) composed from the existing pieces, for {@code bench train-step}
 * until {@code ImplicitBCAgent} lands: the same work in the same order, timed per phase.
 * <pre>
 * sampling   U[lo, hi) counter-example inits [B·n, A]; observations tiled n and n+1 times (tile_batch)
 * langevin   prepared kernel, K steps of {@link Mcmc} (gradient only: the chain's energies are summaries)
 * forward    the DL4J graph in training mode on [B(n+1)] rows, positive last in each group
 * loss       {@link EbmLoss#infoNce} (upstream 1/B)
 * penalty    {@link EbmKernel#gradPenaltyParamGradients} at the same rows (margin 1, weight 1), double backprop
 * backward   the graph's backprop of dLoss/df
 * optimizer  {@link KerasAdam} (lr 1e-3, ExponentialDecay(100, 0.99)) on the graph's flat parameters
 * </pre>
 * Not IBC's data pipeline: observations and expert actions are fixed uniform draws.
 */
public final class TrainStepComposition {
    private final BenchShapes s;
    private final MLPEBM net;
    private final ComputationGraph graph;
    private final EbmKernel chainKernel;
    private final EbmKernel penaltyKernel;
    private final LangevinConfig cfg;
    private final NoiseSource noise;
    private final KerasAdam adam;
    private final INDArray obs;      // [B, obs]
    private final INDArray expert;   // [B, A]
    private final INDArray uniform;  // [B·n, A]
    private final INDArray penaltyGrad;
    private final float[] lo;
    private final float[] hi;
    private final PhaseTimer timer;
    private double lastLoss;

    public TrainStepComposition(BenchShapes shapes, long seed, PhaseTimer timer) {
        this.s = shapes;
        this.timer = timer;
        // Workspaces off: DL4J's external-error backprop leaks workspace pointers otherwise (dl4j-lab.md §5).
        this.net = MLPEBM.create(MLPEBM.Config.particle().withWidth(s.width()), s.obsDim(), s.actDim(), seed, null,
                WorkspaceMode.NONE);
        this.graph = net.graph();
        this.chainKernel = EbmKernel.create(net, s.chainRows());
        this.penaltyKernel = EbmKernel.create(net, s.trainRows());
        this.cfg = LangevinConfig.ibcDefaults().withNumIterations(s.steps());
        this.noise = NoiseSource.seeded(seed);
        this.adam = new KerasAdam(new ExponentialDecay(1e-3f, 100f, 0.99f), graph.numParams());
        this.lo = new float[s.actDim()];
        this.hi = new float[s.actDim()];
        java.util.Arrays.fill(lo, -1f);
        java.util.Arrays.fill(hi, 1f);
        this.obs = Workloads.uniform(s.batch(), s.obsDim(), -1, 1, seed + 1);
        this.expert = Workloads.uniform(s.batch(), s.actDim(), -1, 1, seed + 2);
        this.uniform = Nd4j.create(DataType.FLOAT, s.chainRows(), s.actDim());
        this.penaltyGrad = Nd4j.create(DataType.FLOAT, graph.numParams());
    }

    public MLPEBM net() {
        return net;
    }

    /** The InfoNCE + penalty loss of the last step (before its update). */
    public double lastLoss() {
        return lastLoss;
    }

    /** One training step. */
    public void step() {
        int b = s.batch();
        int n = s.counterExamples();
        int a = s.actDim();
        timer.begin();
        noise.uniform(uniform);
        INDArray init = uniform.mul(hi[0] - lo[0]).addi(lo[0]); // TF: U·(hi − lo) + lo
        INDArray obsN = Workloads.tile(obs, n);
        INDArray obsN1 = Workloads.tile(obs, n + 1);
        timer.lap("sampling");

        chainKernel.prepareObservations(obsN);
        INDArray counter = Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(chainKernel), init, lo, hi, cfg, noise)
                .actions();
        timer.lap("langevin");

        // combined [B(n+1), A]: the n counter examples of example b, then its expert action.
        INDArray combined = Nd4j.concat(1, counter.reshape(b, (long) n * a), expert).reshape((long) b * (n + 1), a);
        Map<String, INDArray> acts = graph.feedForward(new INDArray[] {obsN1, combined}, true, false);
        INDArray predictions = acts.get("head").reshape(b, n + 1);
        timer.lap("forward");

        EbmLoss.InfoNce nce = EbmLoss.infoNce(predictions, 1f, 1f / b);
        double loss = nce.perExampleLoss().sumNumber().doubleValue() / b;
        timer.lap("loss");

        penaltyGrad.assign(0);
        loss += penaltyKernel.gradPenaltyParamGradients(obsN1, combined, 1.0, 1.0, penaltyGrad);
        timer.lap("penalty");

        graph.backpropGradient(nce.gradPredictions().reshape((long) b * (n + 1), 1));
        INDArray grad = graph.getFlattenedGradients().reshape(graph.numParams()).addi(penaltyGrad);
        timer.lap("backward");

        adam.apply(graph.params(), grad);
        timer.lap("optimizer");
        timer.end();
        lastLoss = loss;
    }
}
