package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synthetic records in the format of IBC's shared {@code .spec} files (../shared/ibc/test_data): they read back
 * through the dataset code with the spec written beside them, keep IBC's episode layout and the spec's bounds,
 * and their actions are a function of the observations (a nearest-neighbour predictor beats the mean).
 */
class SyntheticRecordsTest {
    private static final Path DATA = Path.of("..", "shared", "ibc", "test_data");

    private static SpecNode spec(String task, String file) throws IOException {
        return SpecFile.read(DATA.resolve(task).resolve(file + ".spec"));
    }

    @Test
    void pushRecordsFollowTheSpecIbcsLayoutAndBounds(@TempDir Path dir) throws IOException {
        SpecNode spec = spec("PUSH", "oracle_push_0.tfrecord");
        Path out = dir.resolve("oracle_push_0.tfrecord");
        assertEquals(3 * 6, new SyntheticRecords(spec, 7).write(out, 3, 5));
        assertEquals(spec, SpecFile.read(SpecFile.specPathFor(out)));
        List<TrajectoryStep> steps = TrajectoryCodec.readAll(out);
        int[] types = steps.stream().mapToInt(TrajectoryStep::stepType).toArray();
        int[] next = steps.stream().mapToInt(TrajectoryStep::nextStepType).toArray();
        int[] episode = {0, 1, 1, 1, 1, 2};
        int[] episodeNext = {1, 1, 1, 1, 2, 0};
        for (int e = 0; e < 3; e++) {
            assertArrayEquals(episode, java.util.Arrays.copyOfRange(types, 6 * e, 6 * e + 6));
            assertArrayEquals(episodeNext, java.util.Arrays.copyOfRange(next, 6 * e, 6 * e + 6));
        }
        assertEquals(0f, steps.get(4).discount());
        assertEquals(1f, steps.get(4).reward());
        SpecNode.NamedTuple t = (SpecNode.NamedTuple) spec;
        for (TrajectoryStep s : steps) {
            within((TensorSpec) t.field("action"), s.action());
            for (SpecNode.Leaf leaf : t.field("observation").flatten()) {
                within(leaf.spec(), s.observation(leaf.path()));
            }
        }
        Path again = dir.resolve("again").resolve("oracle_push_0.tfrecord");
        Files.createDirectories(again.getParent());
        new SyntheticRecords(spec, 7).write(again, 3, 5);
        assertEquals(steps, TrajectoryCodec.readAll(again), "same seed, same records");
        new SyntheticRecords(spec, 8).write(again, 3, 5);
        assertNotEquals(steps, TrajectoryCodec.readAll(again), "another seed, other records");
    }

    private static void within(TensorSpec spec, float[] x) {
        double[] lo = spec.minimum().asDoubles();
        double[] hi = spec.maximum().asDoubles();
        for (int i = 0; i < x.length; i++) {
            double l = lo[lo.length == 1 ? 0 : i];
            double h = hi[hi.length == 1 ? 0 : i];
            assertTrue(x[i] > l && x[i] < h, spec.name() + "[" + i + "] = " + x[i] + " outside " + l + ".." + h);
        }
    }

    @Test
    void actionsAreAFunctionOfTheObservations(@TempDir Path dir) throws IOException {
        for (String[] task : new String[][] {{"PUSH_DISCONTINUOUS", "oracle_discontinuous_push_0.tfrecord"},
                {"door-human-v0", "door-human-v0_0.tfrecord"}}) {
            Path out = dir.resolve(task[1]);
            new SyntheticRecords(spec(task[0], task[1]), 3).write(out, 20, 20);
            List<TrajectoryStep> steps = TrajectoryCodec.readAll(out);
            List<float[]> obs = new ArrayList<>();
            for (TrajectoryStep s : steps) {
                List<Float> flat = new ArrayList<>();
                s.observation().values().forEach(v -> {
                    for (float f : v) {
                        flat.add(f);
                    }
                });
                float[] a = new float[flat.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = flat.get(i);
                }
                obs.add(a);
            }
            // Hold out every 5th record; predict its action by the nearest training observation.
            double nnErr = 0;
            double meanErr = 0;
            float[] mean = new float[steps.get(0).action().length];
            steps.forEach(s -> {
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += s.action()[j] / steps.size();
                }
            });
            for (int i = 0; i < steps.size(); i += 5) {
                int best = -1;
                double bestD = Double.MAX_VALUE;
                for (int k = 0; k < steps.size(); k++) {
                    if (k % 5 != 0) {
                        double d = dist(obs.get(i), obs.get(k));
                        if (d < bestD) {
                            bestD = d;
                            best = k;
                        }
                    }
                }
                nnErr += dist(steps.get(i).action(), steps.get(best).action());
                meanErr += dist(steps.get(i).action(), mean);
            }
            assertTrue(nnErr < 0.2 * meanErr, task[0] + ": nearest-neighbour squared error " + nnErr
                    + " is not well below the mean predictor's " + meanErr);
        }
    }

    private static double dist(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return d;
    }

    @Test
    void halfcheetahsTransitionSpecIsWrittenAsIsOrAsATrajectory(@TempDir Path dir) throws IOException {
        SpecNode transition = spec("halfcheetah-expert-v0", "halfcheetah-expert-v0_0.tfrecord");
        Path raw = dir.resolve("raw.tfrecord");
        assertEquals(2 * 4, new SyntheticRecords(transition, 1).write(raw, 2, 4));
        ExampleCodec codec = new ExampleCodec(transition);
        List<byte[]> records = TFRecordReader.readAll(raw);
        int[] types = new int[records.size()];
        int[] nextTypes = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            Map<String, TensorValue> v = codec.decode(records.get(i));
            types[i] = v.get("time_step/step_type").ints()[0];
            nextTypes[i] = v.get("next_time_step/step_type").ints()[0];
            if (i > 0 && types[i] != 0) {
                Map<String, TensorValue> prev = codec.decode(records.get(i - 1));
                assertEquals(prev.get("next_time_step/observation"), v.get("time_step/observation"),
                        "a transition starts where the one before ended");
            }
        }
        assertArrayEquals(new int[] {0, 1, 1, 1, 0, 1, 1, 1}, types);
        assertArrayEquals(new int[] {1, 1, 1, 2, 1, 1, 1, 2}, nextTypes);
        IOException e = assertThrows(IOException.class, () -> TrajectoryCodec.readAll(raw));
        assertTrue(e.getMessage().contains("raw.tfrecord.spec") && e.getMessage().contains("Transition")
                && e.getMessage().contains("from_transition"), e.getMessage());

        SpecNode.NamedTuple trajectory = TrajectorySpecs.fromTransition(transition);
        Path converted = dir.resolve("traj.tfrecord");
        new SyntheticRecords(trajectory, 1).write(converted, 2, 4);
        List<TrajectoryStep> steps = TrajectoryCodec.readAll(converted);
        assertEquals(10, steps.size());
        assertEquals(17, steps.get(0).observation(TrajectoryStep.WHOLE_OBSERVATION).length);
        assertEquals(6, steps.get(0).action().length);
    }

    @Test
    void rgbImagesAreUint8WithinTheirBounds(@TempDir Path dir) throws IOException {
        SpecNode spec = TrajectorySpecs.withRgb(spec("PUSH", "oracle_push_0.tfrecord"), 6, 8);
        Path out = dir.resolve("rgb.tfrecord");
        new SyntheticRecords(spec, 2).write(out, 1, 3);
        ExampleCodec codec = new ExampleCodec(SpecFile.read(SpecFile.specPathFor(out)));
        List<byte[]> records = TFRecordReader.readAll(out);
        TensorValue first = codec.decode(records.get(0)).get("observation/rgb");
        assertEquals(DType.UINT8, first.dtype());
        assertArrayEquals(new int[] {6, 8, 3}, first.shape());
        int[] px = first.ints();
        assertTrue(java.util.Arrays.stream(px).allMatch(p -> p >= 0 && p <= 255));
        assertTrue(java.util.Arrays.stream(px).distinct().count() > 20, "an image, not a constant");
        assertNotEquals(first, codec.decode(records.get(1)).get("observation/rgb"), "images follow the episode");
    }

    @Test
    void specsItCannotFillAreRefusedByField() throws IOException {
        SpecNode bare = TensorSpec.of("x", DType.FLOAT32, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SyntheticRecords(bare, 0)).getMessage()
                .contains("Trajectory"));
        SpecNode.NamedTuple door = (SpecNode.NamedTuple) spec("door-human-v0", "door-human-v0_0.tfrecord");
        Map<String, SpecNode> f = new java.util.LinkedHashMap<>(door.fields());
        f.put("reward", TensorSpec.of(null, DType.FLOAT32, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticRecords(new SpecNode.NamedTuple("Trajectory", f), 0));
        assertTrue(e.getMessage().contains("'reward'"), e.getMessage());
    }
}
