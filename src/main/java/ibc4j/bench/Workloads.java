package ibc4j.bench;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.networks.EbmKernel;
import ibc4j.networks.MLPEBM;
import ibc4j.normalizers.SamplingSpec;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.PhaseTimer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The four benchmarks. Shapes from {@link BenchShapes}; the network is MLPEBM with IBC's particle config
 * (ResNetPreActivation, one block), so dE/da is 2 big GEMMs per Langevin step with the observation half prepared
 * once per chain.
 */
public final class Workloads {
    private Workloads() {}

    public static final List<String> NAMES = List.of("langevin", "train-step", "inference", "gemm");

    public static Workload create(String name, BenchShapes s, boolean phases) {
        return create(name, s, phases, FamilyWorkloads.Backward.KERNEL);
    }

    /** {@code backward} applies to train-step (see {@link FamilyWorkloads.Backward}). */
    public static Workload create(String name, BenchShapes s, boolean phases, FamilyWorkloads.Backward backward) {
        return switch (name) {
            case "langevin" -> langevin(s);
            case "train-step" -> trainStep(s, phases, backward);
            case "inference" -> inference(s);
            case "gemm" -> gemm(s);
            default -> throw new IllegalArgumentException("unknown benchmark '" + name + "'; expected one of " + NAMES);
        };
    }

    /** The Langevin path's 2 big GEMMs at {@code rows}: z = relu(h)·W1 and δz·W1ᵀ, W1 an 'f'-order kernel. */
    static List<GemmFloor.Shape> langevinGemms(int rows, int width, int steps) {
        return List.of(
                new GemmFloor.Shape("dense1: relu(h)·W1", rows, width, width, false, false, 'f', steps),
                new GemmFloor.Shape("dE/dr1: δz·W1ᵀ", rows, width, width, false, true, 'f', steps));
    }

    /** Thin GEMMs of a chain: act·Wp_a and γ·Wp_aᵀ per step, obs·Wp_obs once. */
    static double langevinThinFlops(int rows, BenchShapes s) {
        return s.steps() * 2.0 * (2.0 * rows * s.width() * s.actDim()) + 2.0 * rows * s.obsDim() * s.width();
    }

    /** IBC's chain in training: batch × counter examples rows, K steps, σ = 1, polynomial step size. */
    public static Workload langevin(BenchShapes s) {
        int rows = s.chainRows();
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(s.width()), s.obsDim(), s.actDim(), 0);
        INDArray obs = tile(uniform(s.batch(), s.obsDim(), -1, 1, 1), s.counterExamples());
        INDArray init = uniform(rows, s.actDim(), -1, 1, 2);
        float[] lo = filled(s.actDim(), -1f);
        float[] hi = filled(s.actDim(), 1f);
        EbmKernel kernel = EbmKernel.create(net, rows);
        LangevinConfig cfg = LangevinConfig.ibcDefaults().withNumIterations(s.steps());
        NoiseSource noise = NoiseSource.seeded(3);
        GemmFloor floor = new GemmFloor(langevinGemms(rows, s.width(), s.steps()));
        return new Base("langevin", String.format("Langevin chain, %d samples (%d obs × %d) × %d steps, width %d, "
                + "obs %d, action %d", rows, s.batch(), s.counterExamples(), s.steps(), s.width(), s.obsDim(),
                s.actDim()), s, floor, floor.flops() + langevinThinFlops(rows, s)) {
            @Override
            public void call() {
                kernel.prepareObservations(obs);
                Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(kernel), init, lo, hi, cfg, noise);
            }

            @Override
            public Map<String, Summary> parts(int repeats) {
                return chainParts(net, kernel, obs, init, lo, hi, cfg, noise, Math.max(30, repeats * 3));
            }
        };
    }

    /**
     * Per-step pieces of a chain, each timed alone (many short calls, so less exposed to a shared machine than
     * the chain itself): a whole step through Mcmc (chains of 10, per step) with the fused and the per-op kernel,
     * dE/da alone both ways, the noise draw, and the step's 2 GEMMs.
     */
    static Map<String, Summary> chainParts(MLPEBM net, EbmKernel kernel, INDArray obs, INDArray init, float[] lo,
                                           float[] hi, LangevinConfig cfg, NoiseSource noise, int reps) {
        Map<String, Summary> out = new LinkedHashMap<>();
        int rows = (int) init.size(0);
        String how = isFused(kernel) ? "fused" : "per-op";
        EbmKernel perOp = EbmKernel.create(net, rows, false);
        kernel.prepareObservations(obs);
        perOp.prepareObservations(obs);
        LangevinConfig ten = cfg.withNumIterations(10);
        int chains = Math.max(5, reps / 5);
        out.put("Langevin step, " + how + " (chain of 10 / 10)", scale(time(chains,
                () -> Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(kernel), init, lo, hi, ten, noise)), 0.1));
        out.put("Langevin step, " + how + ", recorded (f too; chain of 10 / 10)", scale(time(chains,
                () -> Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(kernel), init, lo, hi, ten.withReturnChain(true),
                        noise)), 0.1));
        out.put("Langevin step, per-op (chain of 10 / 10)", scale(time(chains,
                () -> Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(perOp), init, lo, hi, ten, noise)), 0.1));
        out.put("dE/da alone, " + how, time(reps, () -> kernel.actionGradient(init)));
        out.put("dE/da alone, per-op", time(reps, () -> perOp.actionGradient(init)));
        INDArray eps = Nd4j.create(DataType.FLOAT, rows, init.size(1));
        out.put("noise N(0,1) [" + rows + "," + init.size(1) + "]", time(reps, () -> noise.normal(eps)));
        GemmFloor one = new GemmFloor(langevinGemms(rows, net.config().width(), 1));
        out.put("GEMM floor of one step (2 GEMMs)", time(reps, one::run));
        return out;
    }

    private static boolean isFused(EbmKernel k) {
        return k instanceof ibc4j.networks.PreActivationKernel p && p.isFused();
    }

    /**
     * One {@link ImplicitBCAgent#train} step with IBC's particle config: B examples, n counter examples from a
     * K-step Langevin chain (recorded, as IBC's return_full_chain=True), forward, info_nce, gradient penalty,
     * backward, Keras Adam. Observations and actions are fixed uniform draws, not IBC's data pipeline.
     */
    public static Workload trainStep(BenchShapes s, boolean phases) {
        return trainStep(s, phases, FamilyWorkloads.Backward.KERNEL);
    }

    static Workload trainStep(BenchShapes s, boolean phases, FamilyWorkloads.Backward backward) {
        PhaseTimer timer = phases ? PhaseTimer.on() : PhaseTimer.OFF;
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(s.width()), s.obsDim(), s.actDim(), 0);
        net.setKernelTrainingPass(backward != FamilyWorkloads.Backward.GRAPH);
        ImplicitBCAgent base = ImplicitBCAgent.create(net, new KerasAdam(new ExponentialDecay(1e-3f, 100f, 0.99f),
                net.graph().numParams()), new SamplingSpec(null, null, -1f, 1f), s.counterExamples());
        ImplicitBCAgent agent = base.withSettings(base.langevin().withNumIterations(s.steps()),
                base.penaltySettings());
        agent.setPhaseTimer(timer);
        INDArray obs = uniform(s.batch(), s.obsDim(), -1, 1, 1);
        INDArray act = uniform(s.batch(), s.actDim(), -1, 1, 2);
        NoiseSource noise = NoiseSource.seeded(3);
        int chain = s.chainRows();
        int rows = s.trainRows();
        int w = s.width();
        int in = s.obsDim() + s.actDim();
        // The minimal algorithm's big GEMMs (the agent's second forward inside paramGradient is overhead).
        List<GemmFloor.Shape> g = new ArrayList<>(langevinGemms(chain, w, s.steps()));
        g.add(new GemmFloor.Shape("forward: dense1, dense2", rows, w, w, false, false, 'f', 2));
        g.add(new GemmFloor.Shape("backward: dW1, dW2 = xᵀ·δ", w, w, rows, true, false, 'c', 2));
        g.add(new GemmFloor.Shape("backward: δ·W2ᵀ, δ·W1ᵀ", rows, w, w, false, true, 'f', 2));
        g.add(new GemmFloor.Shape("penalty: dense1, δr̄·W1", rows, w, w, false, false, 'f', 2));
        g.add(new GemmFloor.Shape("penalty: δz·W1ᵀ", rows, w, w, false, true, 'f', 1));
        g.add(new GemmFloor.Shape("penalty: dW1ᵀ = δzᵀ·δr̄", w, w, rows, true, false, 'c', 1));
        GemmFloor floor = new GemmFloor(g);
        double thin = langevinThinFlops(chain, s)
                + 2.0 * rows * in * w + 2.0 * rows * w           // forward: projection, head
                + 2.0 * (2.0 * rows * w) + 2.0 * rows * in * w   // backward: head dW and δ, projection dW
                + 2.0 * rows * in * w + 4.0 * 2.0 * rows * w * s.actDim(); // penalty: projection, A-wide products
        return new Base("train-step", String.format("ImplicitBCAgent.train, B = %d, n = %d: recorded chain %d × %d "
                + "steps, forward/penalty/backward on %d rows, %s backward, Adam", s.batch(), s.counterExamples(),
                chain, s.steps(), rows, backward == FamilyWorkloads.Backward.GRAPH ? "DL4J-graph" : "kernel"), s,
                floor, floor.flops() + thin) {
            @Override
            public void call() {
                agent.train(obs, act, noise);
            }

            @Override
            public PhaseTimer phases() {
                return timer;
            }

            @Override
            public Map<String, Summary> parts(int repeats) {
                if (backward != FamilyWorkloads.Backward.AB) {
                    return Map.of();
                }
                agent.setPhaseTimer(PhaseTimer.OFF);
                return FamilyWorkloads.abParts(net, () -> agent.train(obs, act, noise), repeats);
            }
        };
    }

    /** {@link IbcPolicy#inferNormalized} for one observation: N uniform samples, K Langevin steps, f, argmax. */
    public static Workload inference(BenchShapes s) {
        int n = s.inferenceSamples();
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(s.width()), s.obsDim(), s.actDim(), 0);
        IbcPolicy base = IbcPolicy.create(net, null, new SamplingSpec(null, null, -1f, 1f), n, null, null);
        IbcPolicy policy = base.withLangevin(base.langevin().withNumIterations(s.steps()));
        INDArray obs = uniform(1, s.obsDim(), -1, 1, 1);
        NoiseSource noise = NoiseSource.seeded(3);
        List<GemmFloor.Shape> g = new ArrayList<>(langevinGemms(n, s.width(), s.steps()));
        g.add(new GemmFloor.Shape("final energies: dense1, dense2", n, s.width(), s.width(), false, false, 'f', 2));
        GemmFloor floor = new GemmFloor(g);
        double thin = langevinThinFlops(n, s) + 2.0 * n * s.actDim() * s.width() + 2.0 * n * s.width();
        return new Base("inference", String.format("IbcPolicy.inferNormalized for one observation: %d samples × %d "
                + "Langevin steps + final energies, width %d", n, s.steps(), s.width()), s, floor,
                floor.flops() + thin) {
            @Override
            public void call() {
                policy.inferNormalized(obs, noise);
            }
        };
    }

    /** The machine's sgemm: one [R, W]·[W, W] at the chain's shape (4096×256·256×256), c-order operands. */
    public static Workload gemm(BenchShapes s) {
        int rows = s.chainRows();
        int w = s.width();
        GemmFloor floor = new GemmFloor(List.of(new GemmFloor.Shape("sgemm NN, B c-order", rows, w, w, false, false,
                'c', 1)));
        return new Base("gemm", String.format("sgemm %d×%d·%d×%d (Nd4j.gemm into a preallocated buffer)", rows, w, w,
                w), s, floor, floor.flops()) {
            @Override
            public void call() {
                floor.run();
            }

            @Override
            public Map<String, Summary> parts(int repeats) {
                Map<String, Summary> out = new LinkedHashMap<>();
                int reps = Math.max(30, repeats * 3);
                for (GemmFloor.Shape v : List.of(
                        new GemmFloor.Shape("NN, B f-order (the kernel's GEMM 1)", rows, w, w, false, false, 'f', 1),
                        new GemmFloor.Shape("NT, B f-order (the kernel's GEMM 2)", rows, w, w, false, true, 'f', 1),
                        new GemmFloor.Shape("TN (a weight gradient)", w, w, rows, true, false, 'c', 1))) {
                    GemmFloor f = new GemmFloor(List.of(v));
                    out.put("sgemm " + v.what(), time(reps, f::run));
                }
                return out;
            }
        };
    }

    // ------------------------------------------------------------------ helpers

    abstract static class Base implements Workload {
        private final String name;
        private final String description;
        private final BenchShapes shapes;
        private final GemmFloor floor;
        private final double flops;

        Base(String name, String description, BenchShapes shapes, GemmFloor floor, double flops) {
            this.name = name;
            this.description = description;
            this.shapes = shapes;
            this.floor = floor;
            this.flops = flops;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Map<String, Object> shape() {
            return shapes.toMap();
        }

        @Override
        public GemmFloor floor() {
            return floor;
        }

        @Override
        public double usefulFlops() {
            return flops;
        }
    }

    /** Median/min/max milliseconds of {@code reps} calls after {@code reps / 5 + 2} warm-up calls. */
    static Summary time(int reps, Runnable r) {
        for (int i = 0; i < reps / 5 + 2; i++) {
            r.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        return Summary.of(t);
    }

    private static Summary scale(Summary s, double f) {
        return new Summary(s.median() * f, s.min() * f, s.max() * f, s.n());
    }

    static INDArray uniform(long rows, long cols, double lo, double hi, long seed) {
        INDArray a = Nd4j.create(DataType.FLOAT, rows, cols);
        Nd4j.getExecutioner().exec(new UniformDistribution(a, lo, hi), Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return a;
    }

    /** tf-agents' tile_batch: each row repeated {@code n} times, consecutively. */
    static INDArray tile(INDArray x, int n) {
        return x.repeat(0, n).dup('c');
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
