package ibc4j.parity.checks;

import ibc4j.data.SequenceWindow;
import ibc4j.data.TrajectoryDataset;
import ibc4j.data.WindowSource;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parity of {@code data/dataset.py} {@code load_tfrecord_dataset_sequence} (+ {@code get_data_fns}' target): the
 * first {@code num_windows} unshuffled windows of the {@code tfrecord_dataset} shard of the same case, compared
 * frame by frame (source record, step type, every observation key, actions) and by target action, bit for bit.
 */
public final class DatasetWindowsCheck implements ComponentCheck {
    private static final Tolerance EXACT = Tolerance.exact("windows gather stored float32 records; no arithmetic");

    @Override
    public String component() {
        return "dataset_windows";
    }

    @Override
    public List<TensorResult> run(Golden g) throws Exception {
        int seqLen = g.intParam("sequence_length");
        int count = g.intParam("num_windows");
        Golden shard = g.manifest().golden("tfrecord_dataset", g.caseName());
        TrajectoryDataset data = TrajectoryDataset.fromShards(List.of(shard.file("tfrecord")), seqLen, 0.0, -1);
        WindowSource source = data.trainWindows();
        List<SequenceWindow> windows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            windows.add(source.get(i));
        }
        List<TensorResult> out = new ArrayList<>();
        int[][] records = new int[count][];
        int[][] types = new int[count][];
        float[][][] actions = new float[count][][];
        float[][] targets = new float[count][];
        for (int i = 0; i < count; i++) {
            records[i] = windows.get(i).records();
            types[i] = windows.get(i).stepTypes();
            actions[i] = windows.get(i).actions();
            targets[i] = windows.get(i).targetAction();
        }
        out.add(TensorResult.compare(g, "record_index", Nd4j.createFromArray(records), EXACT));
        out.add(TensorResult.compare(g, "step_type", Nd4j.createFromArray(types), EXACT));
        for (String key : data.observationKeys()) {
            float[][][] obs = new float[count][][];
            for (int i = 0; i < count; i++) {
                obs[i] = windows.get(i).observation().get(key);
            }
            out.add(TensorResult.compare(g, "obs_" + key, Nd4j.createFromArray(obs), EXACT));
        }
        out.add(TensorResult.compare(g, "actions", Nd4j.createFromArray(actions), EXACT));
        out.add(TensorResult.compare(g, "target_action", Nd4j.createFromArray(targets), EXACT));
        return out;
    }
}
