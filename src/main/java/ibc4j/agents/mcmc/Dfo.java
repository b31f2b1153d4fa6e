package ibc4j.agents.mcmc;

import ibc4j.runtime.NoiseSource;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Derivative-free optimisation over action samples; mirrors {@code ibc/agents/mcmc.py} {@code iterative_dfo},
 * {@code categorical_bincount} and {@code get_probabilities} (IBC db89ddb).
 *
 * <p>Each resample draws n indices per batch row from softmax(f/T) and gathers the samples in index order with
 * multiplicity (tf.repeat + gather). Noise is added num_iterations−1 times, with std halving from 0.33; the
 * returned probabilities belong to the samples <em>before</em> the last resampling (IBC's quirk, kept).
 */
public final class Dfo {
    private Dfo() {}

    /** f for a batch of actions (observations bound inside). */
    public interface Energies {
        void evaluate(INDArray actions, INDArray energiesOut);
    }

    /** Probabilities {@code [B·n]} and samples {@code [B·n, A]}. */
    public record Result(INDArray probabilities, INDArray actions) {}

    /**
     * What one scoring-and-resampling round of {@code iterative_dfo} computed (all new arrays).
     *
     * @param perturbedPreClip {@code S + N(0,1)·std} before the clip, or null for round 0 (the raw uniform set)
     * @param samples          the set that was scored {@code [B·n, A]}
     * @param logProbs         {@code f / temperature} {@code [B, n]}
     * @param counts           bincount of the categorical draws {@code [B, n]}
     * @param resampled        the samples gathered with those counts, in index order
     */
    public record Iteration(INDArray perturbedPreClip, INDArray samples, INDArray logProbs, int[][] counts,
                            INDArray resampled) {}

    public static Result iterativeDfo(Energies f, int batchSize, INDArray actionSamples, int numActionSamples,
                                      float[] minActions, float[] maxActions, float temperature, int numIterations,
                                      float iterationStd, NoiseSource noise) {
        return iterativeDfo(f, batchSize, actionSamples, numActionSamples, minActions, maxActions, temperature,
                numIterations, iterationStd, noise, null);
    }

    /** As above; {@code trace}, when not null, receives every round (round 0 first). */
    public static Result iterativeDfo(Energies f, int batchSize, INDArray actionSamples, int numActionSamples,
                                      float[] minActions, float[] maxActions, float temperature, int numIterations,
                                      float iterationStd, NoiseSource noise, List<Iteration> trace) {
        INDArray samples = actionSamples.castTo(DataType.FLOAT).dup('c');
        INDArray logits = Nd4j.create(DataType.FLOAT, samples.size(0));
        Iteration it = round(f, batchSize, samples, null, numActionSamples, temperature, logits, noise);
        if (trace != null) {
            trace.add(it);
        }
        float std = iterationStd;
        for (int i = 0; i < numIterations - 1; i++) {
            INDArray eps = Nd4j.create(DataType.FLOAT, samples.shape());
            noise.normal(eps);
            INDArray perturbed = it.resampled().add(eps.muli(std));   // action_samples += normal * std
            INDArray clipped = perturbed.dup('c');
            for (int j = 0; j < clipped.size(1); j++) {
                INDArray col = clipped.getColumn(j);
                col.assign(Transforms.min(Transforms.max(col, minActions[j], true), maxActions[j], false));
            }
            it = round(f, batchSize, clipped, perturbed, numActionSamples, temperature, logits, noise);
            if (trace != null) {
                trace.add(it);
            }
            std *= 0.5f;
        }
        return new Result(softmaxRows(it.logProbs()).reshape(-1), it.resampled());
    }

    /**
     * Scores {@code samples}, draws n indices per row from softmax(f/T) and gathers (update_selected_actions).
     * Shared with {@link AutoregressiveDfo}, so both resample identically.
     */
    static Iteration round(Energies f, int batchSize, INDArray samples, INDArray preClip, int n,
                                   float temperature, INDArray logits, NoiseSource noise) {
        f.evaluate(samples, logits);
        INDArray logProbs = logits.reshape(batchSize, n).div(temperature);
        int[][] draws = noise.categorical(logProbs, n);
        int[][] counts = new int[draws.length][n];
        for (int b = 0; b < draws.length; b++) {
            for (int d : draws[b]) {
                counts[b][d]++;
            }
        }
        return new Iteration(preClip, samples, logProbs, counts, resample(samples, counts, n));
    }

    /** The gather of tf.repeat(range(B·n), counts): rows come out sorted by original index, with multiplicity. */
    private static INDArray resample(INDArray samples, int[][] counts, int n) {
        int a = (int) samples.size(1);
        float[] src = samples.dup('c').data().asFloat();
        float[] dst = new float[src.length];
        int row = 0;
        for (int b = 0; b < counts.length; b++) {
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < counts[b][j]; c++) {
                    System.arraycopy(src, (b * n + j) * a, dst, row++ * a, a);
                }
            }
        }
        return Nd4j.create(dst, samples.shape(), 'c');
    }

    /** {@code get_probabilities}: softmax(f/T) per batch row, flattened to {@code [B·N]}. */
    public static INDArray getProbabilities(INDArray logits, int batchSize, int numActionSamples, float temperature) {
        return softmaxRows(logits.reshape(batchSize, numActionSamples).div(temperature)).reshape(-1);
    }

    static INDArray softmaxRows(INDArray x) {
        INDArray shifted = x.subColumnVector(x.max(1).reshape(x.size(0), 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(1).reshape(x.size(0), 1));
    }
}
