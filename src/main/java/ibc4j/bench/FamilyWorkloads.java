package ibc4j.bench;

import ibc4j.agents.IbcPolicy;
import ibc4j.agents.ImplicitBCAgent;
import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.networks.EbmKernel;
import ibc4j.runtime.NoiseSource;
import ibc4j.runtime.PhaseTimer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The push and d4rl benchmarks ({@link BenchFamily}), on a {@link FamilySetup} made from the config's own
 * bindings. GEMM floors follow a pre-activation ResNet of {@code depth} W×W dense layers: a pass over the energy
 * (dE/da) needs every layer but the last forward and backward, since the last one feeds the linear head only;
 * a training forward needs all of them, its backward one xᵀ·δ and one δ·Wᵀ per layer. The penalty's rows use the
 * particle listing's GEMMs per layer but the last; it is a lower bound (a deeper double backward has more).
 */
public final class FamilyWorkloads {
    private FamilyWorkloads() {}

    /** How the training step's parameter gradient runs. */
    public enum Backward {
        /** MLPEBM's kernel pass where the network allows it (the default). */
        KERNEL,
        /** The DL4J graph's backward ({@code MLPEBM.setKernelTrainingPass(false)}). */
        GRAPH,
        /** The kernel for the timed calls, and both, alternated, as parts. */
        AB;

        public static final List<String> NAMES = List.of("kernel", "graph", "ab");

        public static Backward of(String name) {
            int i = NAMES.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("unknown backward '" + name + "'; expected one of " + NAMES);
            }
            return values()[i];
        }
    }

    public static Workload create(String name, FamilySetup s, boolean phases, Backward backward) {
        if (!s.family().figures().contains(name)) {
            throw new IllegalArgumentException("family " + s.family().cliName() + " has no " + name
                    + " benchmark; it has " + s.family().figures());
        }
        return switch (name) {
            case "langevin" -> langevin(s);
            case "train-step" -> trainStep(s, phases, backward);
            case "inference" -> inference(s);
            default -> throw new IllegalArgumentException("unknown benchmark '" + name + "'");
        };
    }

    /** The big GEMMs of {@code steps} dE/da passes over {@code rows}: every W×W layer but the last, both ways. */
    static List<GemmFloor.Shape> energyGradGemms(String what, int rows, int width, int depth, int steps) {
        int inner = (depth - 1) * steps;
        return List.of(
                new GemmFloor.Shape(what + ": relu(h)·W", rows, width, width, false, false, 'f', inner),
                new GemmFloor.Shape(what + ": δz·Wᵀ", rows, width, width, false, true, 'f', inner));
    }

    /** Projection (in → W) and head (W → 1) of {@code passes} forward passes: thin GEMMs. */
    static double thinFlops(FamilySetup s, int rows, int passes) {
        return passes * (2.0 * rows * (s.obsDim() + s.actionDim()) * s.width() + 2.0 * rows * s.width());
    }

    /** The agent's chain alone, not recorded: B·n samples, the config's steps, step sizes and noise. */
    public static Workload langevin(FamilySetup s) {
        int rows = s.chainRows();
        INDArray obs = Workloads.tile(Workloads.uniform(s.batch(), s.obsDim(), -1, 1, 1), s.counterExamples());
        INDArray init = Workloads.uniform(rows, s.actionDim(), -1, 1, 2);
        float[][] b = s.agent().samplingBounds();
        EbmKernel kernel = s.net().kernel(rows);
        LangevinConfig cfg = s.agent().langevin().withReturnChain(false);
        NoiseSource noise = NoiseSource.seeded(3);
        GemmFloor floor = new GemmFloor(energyGradGemms("chain", rows, s.width(), s.depth(), s.langevinSteps()));
        String d = String.format("%s: Langevin chain, %d samples (%d obs × %d) × %d steps, width %d × depth %d%s",
                s.family().cliName(), rows, s.batch(), s.counterExamples(), s.langevinSteps(), s.width(), s.depth(),
                s.net().spectralNorm() ? ", spectral norm" : "");
        return new Workloads.Base("langevin", d, null, floor,
                floor.flops() + thinFlops(s, rows, 2 * s.langevinSteps())) {
            @Override
            public void call() {
                s.net().call(false); // DenseSN: the chain's W̄, as the agent computes it per step
                kernel.prepareObservations(obs);
                Mcmc.langevinActionsGivenObs(Mcmc.fromKernel(kernel), init, b[0], b[1], cfg, noise);
            }

            @Override
            public Map<String, Object> shape() {
                return s.shape();
            }
        };
    }

    /** One {@link ImplicitBCAgent#train} step as the config runs it, on fixed uniform observations and actions. */
    public static Workload trainStep(FamilySetup s, boolean phases, Backward backward) {
        PhaseTimer timer = phases ? PhaseTimer.on() : PhaseTimer.OFF;
        ImplicitBCAgent agent = s.agent();
        agent.setPhaseTimer(timer);
        s.net().setKernelTrainingPass(backward != Backward.GRAPH);
        INDArray obs = Workloads.uniform(s.batch(), s.obsDim(), -1, 1, 1);
        INDArray act = Workloads.uniform(s.batch(), s.actionDim(), -1, 1, 2);
        NoiseSource noise = NoiseSource.seeded(3);
        int rows = s.trainRows();
        int chain = s.chainRows();
        int w = s.width();
        int depth = s.depth();
        List<GemmFloor.Shape> g = new ArrayList<>();
        double thin = thinFlops(s, rows, 3); // forward, backward's δ, backward's dW
        if (s.langevinCounterExamples()) {
            g.addAll(energyGradGemms("chain", chain, w, depth, s.langevinSteps()));
            thin += thinFlops(s, chain, 2 * s.langevinSteps());
        }
        g.add(new GemmFloor.Shape("forward: every dense", rows, w, w, false, false, 'f', depth));
        g.add(new GemmFloor.Shape("backward: dW = xᵀ·δ", w, w, rows, true, false, 'c', depth));
        g.add(new GemmFloor.Shape("backward: δ·Wᵀ", rows, w, w, false, true, 'f', depth));
        if (s.addGradPenalty() && depth > 1) {
            // At the final counter examples (only_apply_final_grad_penalty, every IBC config).
            g.add(new GemmFloor.Shape("penalty: forward and tangent", chain, w, w, false, false, 'f',
                    2 * (depth - 1)));
            g.add(new GemmFloor.Shape("penalty: δz·Wᵀ", chain, w, w, false, true, 'f', depth - 1));
            g.add(new GemmFloor.Shape("penalty: dWᵀ = δzᵀ·δr̄", w, w, chain, true, false, 'c', depth - 1));
            thin += thinFlops(s, chain, 4);
        }
        GemmFloor floor = new GemmFloor(g);
        String d = String.format("%s: ImplicitBCAgent.train, B = %d, n = %d (%s counter examples%s), width %d × "
                + "depth %d%s, %s on %d rows, %s backward, Adam", s.family().cliName(), s.batch(),
                s.counterExamples(), s.langevinCounterExamples() ? "Langevin" : "uniform",
                s.langevinCounterExamples() ? ", " + s.langevinSteps() + " steps" : "", w, depth,
                s.net().spectralNorm() ? ", spectral norm" : "", s.addGradPenalty() ? "forward/penalty"
                        : "forward, no penalty", rows, backward == Backward.GRAPH ? "DL4J-graph" : "kernel");
        return new Workloads.Base("train-step", d, null, floor, floor.flops() + thin) {
            @Override
            public void call() {
                agent.train(obs, act, noise);
            }

            @Override
            public Map<String, Object> shape() {
                Map<String, Object> m = new LinkedHashMap<>(s.shape());
                m.put("backward", backward.name().toLowerCase(java.util.Locale.ROOT));
                return m;
            }

            @Override
            public PhaseTimer phases() {
                return timer;
            }

            @Override
            public Map<String, Summary> parts(int repeats) {
                if (backward != Backward.AB) {
                    return Map.of();
                }
                agent.setPhaseTimer(PhaseTimer.OFF); // the phase table is the timed calls'
                return abParts(s.net(), () -> agent.train(obs, act, noise), repeats);
            }
        };
    }

    /** The step with the kernel's backward and with the graph's, alternated call by call (same load for both). */
    static Map<String, Summary> abParts(ibc4j.networks.MLPEBM net, Runnable step, int repeats) {
        int reps = Math.max(3, repeats);
        double[] kernel = new double[reps];
        double[] graph = new double[reps];
        for (int i = 0; i < reps + 1; i++) { // the first pair warms the graph path up
            for (boolean k : i % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                net.setKernelTrainingPass(k);
                long t = System.nanoTime();
                BenchRunner.inUnit(step);
                double ms = (System.nanoTime() - t) / 1e6;
                if (i > 0) {
                    (k ? kernel : graph)[i - 1] = ms;
                }
            }
        }
        net.setKernelTrainingPass(true);
        Map<String, Summary> out = new LinkedHashMap<>();
        out.put("train step, kernel backward (alternated)", Summary.of(kernel));
        out.put("train step, DL4J-graph backward (alternated)", Summary.of(graph));
        return out;
    }

    /**
     * The greedy policy's action for one observation ({@link IbcPolicy#inferNormalized}): push runs iterative DFO
     * (3 rounds of energies over N samples), d4rl two Langevin chains (optimize_again) and the final energies.
     */
    public static Workload inference(FamilySetup s) {
        IbcPolicy policy = s.policy();
        IbcPolicy.Settings p = policy.settings();
        int n = policy.numActionSamples();
        INDArray obs = Workloads.uniform(1, s.obsDim(), -1, 1, 1);
        NoiseSource noise = NoiseSource.seeded(3);
        List<GemmFloor.Shape> g = new ArrayList<>();
        double thin = 0;
        int energyPasses = 0;
        if (p.useDfo()) {
            energyPasses += 3; // iterative_dfo: num_iterations = 3 (IBC's default, ibc_policy.py)
        }
        if (p.useLangevin()) {
            int chains = p.optimizeAgain() ? 2 : 1;
            int steps = chains * p.langevin().numIterations();
            g.addAll(energyGradGemms("chain", n, s.width(), s.depth(), steps));
            thin += thinFlops(s, n, 2 * steps);
            energyPasses += 1;
        }
        g.add(new GemmFloor.Shape("energies: every dense", n, s.width(), s.width(), false, false, 'f',
                s.depth() * energyPasses));
        thin += thinFlops(s, n, energyPasses);
        GemmFloor floor = new GemmFloor(g);
        String how = p.useDfo() ? "iterative DFO, 3 rounds" : (p.optimizeAgain() ? "2 Langevin chains" : "Langevin")
                + (p.useLangevin() ? " × " + p.langevin().numIterations() + " steps + final energies" : "");
        String d = String.format("%s: IbcPolicy.inferNormalized for one observation: %d samples, %s, width %d × "
                + "depth %d", s.family().cliName(), n, how, s.width(), s.depth());
        return new Workloads.Base("inference", d, null, floor, floor.flops() + thin) {
            @Override
            public void call() {
                policy.inferNormalized(obs, noise);
            }

            @Override
            public Map<String, Object> shape() {
                return s.shape();
            }
        };
    }
}
