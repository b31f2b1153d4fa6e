package ibc4j.bench;

import java.util.List;
import java.util.Locale;

/**
 * The EBM config families {@code bench} times, each at its IBC config's shapes. {@code particle} is the
 * historical default ({@link BenchShapes#ibcParticle()}, built in {@link Workloads}); the others are built from
 * their gin file's own bindings ({@link FamilyWorkloads}) with the environment's observation and action widths:
 * <ul>
 *   <li>{@code push}: configs/pushing_states/mlp_ebm.gin (BlockPush-v0, task PUSH): 2 frames × 10 state values,
 *       a 2-D action in [-0.1, 0.1]; uniform counter examples, iterative DFO at inference;</li>
 *   <li>{@code d4rl}: configs/d4rl/mlp_ebm_langevin_best.gin on door-human-v0 (its .spec: a 39-wide observation,
 *       one frame, and a 28-D action, which the Adroit env bounds to [-1, 1]); Langevin counter examples and
 *       inference, spectral-norm dense layers, gradient penalty.</li>
 * </ul>
 */
public enum BenchFamily {
    PARTICLE("particle", "configs/particle/mlp_ebm_langevin.gin", 16, 2, -1f, 1f,
            List.of("langevin", "train-step", "inference")),
    PUSH("push", "configs/pushing_states/mlp_ebm.gin", 20, 2, -0.1f, 0.1f, List.of("train-step", "inference")),
    D4RL("d4rl", "configs/d4rl/mlp_ebm_langevin_best.gin", 39, 28, -1f, 1f,
            List.of("langevin", "train-step", "inference"));

    private final String cliName;
    private final String ginFile;
    private final int obsDim;
    private final int actionDim;
    private final float actionMin;
    private final float actionMax;
    private final List<String> figures;

    BenchFamily(String cliName, String ginFile, int obsDim, int actionDim, float actionMin, float actionMax,
                List<String> figures) {
        this.cliName = cliName;
        this.ginFile = ginFile;
        this.obsDim = obsDim;
        this.actionDim = actionDim;
        this.actionMin = actionMin;
        this.actionMax = actionMax;
        this.figures = figures;
    }

    /** The names {@code --family} takes. */
    public static final List<String> NAMES = List.of("particle", "push", "d4rl");

    /** The family for {@code --family NAME}; the message lists the known names. */
    public static BenchFamily of(String name) {
        for (BenchFamily f : values()) {
            if (f.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown family '" + name + "'; expected one of " + NAMES);
    }

    public String cliName() {
        return cliName;
    }

    /** The config IBC's run script passes, as the bundled configs name it. */
    public String ginFile() {
        return ginFile;
    }

    /** Flattened observation width (frames × values), as MLPEBM sees it. */
    public int obsDim() {
        return obsDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** The env's action bounds (IbcPolicy clips to them). */
    public float[][] actionBounds(int dim) {
        float[] lo = new float[dim];
        float[] hi = new float[dim];
        java.util.Arrays.fill(lo, actionMin);
        java.util.Arrays.fill(hi, actionMax);
        return new float[][] {lo, hi};
    }

    /** The IBC figures this family has (push's counter examples are uniform: no Langevin chain to time). */
    public List<String> figures() {
        return figures;
    }
}
