package ibc4j.train;

import java.util.List;

/**
 * {@code train_eval}'s arguments, resolved once through gin ({@link TrainEval#trainEval}) and checked: what a run
 * reads, typed. Names as IBC's parameters, in camelCase.
 *
 * @param skipEval true when {@code --skip_eval} was given
 * @param goalTolerance the block-pushing envs' goal distance tolerance in evaluation
 */
public record TrainEvalConfig(List<String> tasks, String datasetPath, String rootDir, String lossType,
                              String network, int batchSize, int numIterations, double learningRate,
                              int decaySteps, int replayCapacity, int evalInterval, int evalLossInterval,
                              int evalEpisodes, int fusedTrainSteps, int sequenceLength,
                              double uniformBoundaryBuffer, double datasetEvalFraction, String tag, boolean addTime,
                              long seed, boolean vizImg, boolean skipEval, int maxDataShards,
                              double goalTolerance) {
    public TrainEvalConfig {
        tasks = List.copyOf(tasks);
    }
}
