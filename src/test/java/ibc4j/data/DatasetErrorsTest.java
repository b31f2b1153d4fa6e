package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset that cannot be trained on fails when it is opened, naming the file (and record and offset). */
class DatasetErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void differingSpecsNameBothFilesAndTheFeature() throws IOException {
        List<Path> shards = SyntheticShards.write(tmp);
        Path odd = tmp.resolve("synthetic_c.tfrecord");
        SortedMap<String, SpecNode> obs = new TreeMap<>(
                ((SpecNode.Dict) TFRecordObserverTest.particleSpec().field("observation")).fields());
        SpecNode spec = TrajectoryCodec.trajectorySpec(new SpecNode.Dict(obs), TensorSpec.bounded("action", -1f, 1f, 2));
        try (TFRecordObserver o = new TFRecordObserver(odd, spec)) {
            for (TrajectoryStep s : SyntheticShards.steps(2, SyntheticShards.TYPES_B)) {
                o.write(s);
            }
        }
        DatasetException e = assertThrows(DatasetException.class,
                () -> TrajectoryDataset.open(tmp + "/synthetic_*.tfrecord", 2, 0.0, -1));
        assertEquals("One or more of the encoding specs do not match: " + odd + ".spec differs from "
                + shards.get(0) + ".spec ('action' is BoundedTensorSpec(shape=[2], dtype=float32, name='action',"
                + " minimum=float32[] [0.0], maximum=float32[] [1.0]) vs BoundedTensorSpec(shape=[2], dtype=float32,"
                + " name='action', minimum=float32[] [-1.0], maximum=float32[] [1.0]))", e.getMessage());
        // the eval shard is checked too: one check over the whole split
        assertThrows(DatasetException.class, () -> TrajectoryDataset.open(tmp + "/synthetic_*.tfrecord", 2, 0.34, -1));
    }

    @Test
    void missingSpecOrShardIsNamed() throws IOException {
        List<Path> shards = SyntheticShards.write(tmp);
        Files.delete(SpecFile.specPathFor(shards.get(1)));
        DatasetException e = assertThrows(DatasetException.class,
                () -> TrajectoryDataset.fromShards(shards, 2, 0.0, -1));
        assertEquals("shard " + shards.get(1) + ": missing its spec sidecar " + shards.get(1) + ".spec"
                + " (tf-agents' TFRecordObserver writes one beside every dataset file)", e.getMessage());
        Path gone = tmp.resolve("gone.tfrecord");
        e = assertThrows(DatasetException.class, () -> TrajectoryDataset.fromShards(List.of(gone), 2, 0.0, -1));
        assertEquals("shard " + gone + " does not exist or is not a regular file", e.getMessage());
    }

    /** Byte offset of record {@code k} in {@code file}. */
    private static long offsetOf(Path file, int k) throws IOException {
        long offset = 0;
        List<byte[]> records = TFRecordReader.readAll(file);
        for (int i = 0; i < k; i++) {
            offset += 12 + records.get(i).length + 4;
        }
        return offset;
    }

    @Test
    void corruptShardPropagatesTheReadersFileRecordAndOffset() throws IOException {
        List<Path> shards = SyntheticShards.write(tmp);
        Path a = shards.get(0);
        long offset = offsetOf(a, 3);
        byte[] bytes = Files.readAllBytes(a);
        bytes[(int) offset + 12 + 5] ^= 0x10; // a data byte of record 3
        Files.write(a, bytes);
        TFRecordException e = assertThrows(TFRecordException.class,
                () -> TrajectoryDataset.open(tmp + "/synthetic_*.tfrecord", 2, 0.0, -1));
        assertEquals(a.toString(), e.file());
        assertEquals(3, e.recordIndex());
        assertEquals(offset, e.recordOffset());
        assertEquals(TFRecordException.Problem.DATA_CRC, e.problem());
    }

    @Test
    void truncatedLastShardFailsTheWholeDataset() throws IOException {
        List<Path> shards = SyntheticShards.write(tmp);
        Path b = shards.get(1);
        long offset = offsetOf(b, 2);
        byte[] bytes = Files.readAllBytes(b);
        Files.write(b, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        TFRecordException e = assertThrows(TFRecordException.class,
                () -> TrajectoryDataset.fromShards(shards, 2, 0.0, -1));
        assertEquals(b.toString(), e.file());
        assertEquals(2, e.recordIndex());
        assertEquals(offset, e.recordOffset());
        assertEquals(TFRecordException.Problem.TRUNCATED, e.problem());
    }

    @Test
    void emptyShardIsRefused() throws IOException {
        List<Path> shards = SyntheticShards.write(tmp);
        Path empty = tmp.resolve("synthetic_empty.tfrecord");
        new TFRecordObserver(empty, TFRecordObserverTest.particleSpec()).close();
        DatasetException e = assertThrows(DatasetException.class,
                () -> TrajectoryDataset.fromShards(List.of(shards.get(0), empty), 2, 0.0, -1));
        assertTrue(e.getMessage().startsWith(empty + ": the shard has no records"), e.getMessage());
    }

    /** A NaN inside a record with valid CRCs is refused when the dataset opens, naming file, record and feature. */
    @Test
    void nonFiniteValuesAreRefusedAtLoadNamingFileRecordAndFeature() throws IOException {
        Path bad = tmp.resolve("synthetic_nan.tfrecord");
        List<TrajectoryStep> steps = SyntheticShards.steps(0, SyntheticShards.TYPES_A);
        TrajectoryStep s3 = steps.get(3);
        java.util.SortedMap<String, float[]> obs = new java.util.TreeMap<>(s3.observation());
        obs.put("vel_agent", new float[] {0f, Float.NaN});
        steps.set(3, new TrajectoryStep(s3.stepType(), obs, s3.action(), s3.nextStepType(), s3.reward(),
                s3.discount()));
        try (TFRecordObserver o = new TFRecordObserver(bad, TFRecordObserverTest.particleSpec())) {
            for (TrajectoryStep s : steps) {
                o.write(s);
            }
        }
        Exception e = assertThrows(Exception.class, () -> TrajectoryDataset.fromShards(List.of(bad), 2, 0.0, -1));
        assertTrue(e.getMessage().contains(bad + ": record 3 at byte offset ")
                && e.getMessage().contains("feature observation/vel_agent[1] is NaN"), e.getMessage());
    }
}
