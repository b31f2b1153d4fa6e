package ibc4j.networks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Median wall-clock times of the {@link EbmKernel} calls that IBC's training step repeats
 * ({@code mcmc.langevin_step}'s gradient_wrt_act, and {@code gradient_loss.grad_penalty}). For a bench command.
 * Run the JVM with {@code OMP_WAIT_POLICY=PASSIVE} (dl4j-lab.md §6), or the numbers double.
 */
public final class EbmKernelTiming {
    private EbmKernelTiming() {}

    /**
     * Times one kernel of {@code rows} rows on the particle network (obs 16, action 2, width {@code width}).
     *
     * @return call name → median milliseconds over {@code reps} calls, after {@code reps / 2 + 2} warm-up calls
     */
    public static Map<String, Double> measure(int rows, int width, int reps) {
        MLPEBM net = MLPEBM.create(MLPEBM.Config.particle().withWidth(width), 16, 2, 0);
        EbmKernel k = EbmKernel.create(net, rows);
        INDArray obs = uniform(rows, 16, 1);
        INDArray act = uniform(rows, 2, 2);
        INDArray grad = Nd4j.zeros(net.dataType(), net.graph().numParams());
        k.prepareObservations(obs);
        Map<String, Double> out = new LinkedHashMap<>();
        // One [rows, width]·[width, width] sgemm: the unit the kernel's cost is counted in (2 per dE/da).
        INDArray a = uniform(rows, width, 3);
        INDArray w = uniform(width, width, 4);
        INDArray c = Nd4j.create(net.dataType(), rows, width);
        out.put("reference sgemm [R,W]x[W,W]", median(reps, () -> Nd4j.gemm(a, w, c, false, false, 1.0, 0.0)));
        out.put("energies(obs, act)", median(reps, () -> k.energies(obs, act)));
        out.put("actionGradient(obs, act)", median(reps, () -> k.actionGradient(obs, act)));
        out.put("actionGradient(act), prepared", median(reps, () -> k.actionGradient(act)));
        out.put("gradPenaltyParamGradients", median(reps,
                () -> k.gradPenaltyParamGradients(obs, act, 0.0, 1.0, grad)));
        return out;
    }

    private static double median(int reps, Runnable r) {
        for (int i = 0; i < reps / 2 + 2; i++) {
            r.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private static INDArray uniform(int rows, int cols, long seed) {
        INDArray a = Nd4j.create(Nd4j.defaultFloatingPointType(), rows, cols);
        Nd4j.getExecutioner().exec(new UniformDistribution(a, -1, 1), Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return a;
    }
}
