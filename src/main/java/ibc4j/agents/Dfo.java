package ibc4j.agents;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    public static Result iterativeDfo(Energies f, int batchSize, INDArray actionSamples, int numActionSamples,
                                      float[] minActions, float[] maxActions, float temperature, int numIterations,
                                      float iterationStd, NoiseSource noise) {
        INDArray samples = actionSamples.castTo(DataType.FLOAT).dup('c');
        INDArray logits = Nd4j.create(DataType.FLOAT, samples.size(0));
        f.evaluate(samples, logits);
        INDArray logProbs = logits.reshape(batchSize, numActionSamples).div(temperature);
        samples = resample(samples, logProbs, numActionSamples, noise);
        float std = iterationStd;
        for (int it = 0; it < numIterations - 1; it++) {
            INDArray eps = Nd4j.create(DataType.FLOAT, samples.shape());
            noise.normal(eps);
            samples.addi(eps.muli(std));
            for (int j = 0; j < samples.size(1); j++) {
                INDArray col = samples.getColumn(j);
                col.assign(org.nd4j.linalg.ops.transforms.Transforms.min(
                        org.nd4j.linalg.ops.transforms.Transforms.max(col, minActions[j], true), maxActions[j], false));
            }
            f.evaluate(samples, logits);
            logProbs = logits.reshape(batchSize, numActionSamples).div(temperature);
            samples = resample(samples, logProbs, numActionSamples, noise);
            std *= 0.5f;
        }
        return new Result(softmaxRows(logProbs).reshape(-1), samples);
    }

    /** categorical_bincount, then repeat-and-gather: rows come out sorted by original index. */
    private static INDArray resample(INDArray samples, INDArray logProbs, int n, NoiseSource noise) {
        int[][] draws = noise.categorical(logProbs, n);
        INDArray out = Nd4j.create(DataType.FLOAT, samples.shape());
        int row = 0;
        for (int b = 0; b < draws.length; b++) {
            int[] counts = new int[n];
            for (int d : draws[b]) {
                counts[d]++;
            }
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < counts[j]; c++) {
                    out.getRow(row++).assign(samples.getRow((long) b * n + j));
                }
            }
        }
        return out;
    }

    /** {@code get_probabilities}: softmax(f/T) per batch row, flattened to {@code [B·N]}. */
    public static INDArray getProbabilities(INDArray logits, int batchSize, int numActionSamples, float temperature) {
        return softmaxRows(logits.reshape(batchSize, numActionSamples).div(temperature)).reshape(-1);
    }

    private static INDArray softmaxRows(INDArray x) {
        INDArray shifted = x.subColumnVector(x.max(1).reshape(x.size(0), 1));
        INDArray e = org.nd4j.linalg.ops.transforms.Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(1).reshape(x.size(0), 1));
    }
}
