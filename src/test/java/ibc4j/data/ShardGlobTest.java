package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** get_shards (tf.io.gfile.glob, sorted here) and create_sequence_datasets' train/eval split. */
class ShardGlobTest {
    @TempDir
    Path tmp;

    private List<Path> touch(String... names) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String n : names) {
            Path p = tmp.resolve(n);
            Files.createDirectories(p.getParent());
            out.add(Files.writeString(p, ""));
        }
        return out;
    }

    private List<String> names(List<Path> paths) {
        return paths.stream().map(p -> tmp.relativize(p).toString()).toList();
    }

    @Test
    void particleGlobMatchesTheShardsSortedAndNotTheirSpecs() throws IOException {
        touch("2d_oracle_particle_1.tfrecord", "2d_oracle_particle_0.tfrecord", "2d_oracle_particle_10.tfrecord",
                "2d_oracle_particle_0.tfrecord.spec", "3d_oracle_particle_0.tfrecord");
        assertEquals(List.of("2d_oracle_particle_0.tfrecord", "2d_oracle_particle_1.tfrecord",
                        "2d_oracle_particle_10.tfrecord"),
                names(ShardGlob.resolve(tmp + "/2d_oracle_particle*.tfrecord")));
    }

    @Test
    void fnmatchClassesQuestionMarksDirectoriesAndCommaLists() throws IOException {
        touch("x_a1", "x_b2", "x_c3", "x_[d]", "x_{a,b}", "d1/s.t", "d2/s.t", "d2/u.t", ".hidden_x");
        assertEquals(List.of("x_a1", "x_b2"), names(ShardGlob.resolve(tmp + "/x_[ab]*")));
        assertEquals(List.of("x_c3"), names(ShardGlob.resolve(tmp + "/x_[!a-b[]?")));
        assertEquals(List.of("x_a1", "x_b2", "x_c3"), names(ShardGlob.resolve(tmp + "/x_??")));
        assertEquals(List.of("x_[d]"), names(ShardGlob.resolve(tmp + "/x_\\[*")));
        assertEquals(List.of("x_{a,b}"), names(ShardGlob.glob(tmp + "/x_{a,b}"))); // braces are literal in TF
        assertEquals(List.of("d1/s.t", "d2/s.t"), names(ShardGlob.resolve(tmp + "/d?/s.t")));
        assertEquals(List.of(".hidden_x"), names(ShardGlob.glob(tmp + "/*_x"))); // no FNM_PERIOD
        // comma-separated globs concatenate in the order given
        assertEquals(List.of("x_c3", "d2/s.t", "d2/u.t"),
                names(ShardGlob.resolve(tmp + "/x_c3," + tmp + "/d2/*.t")));
    }

    @Test
    void emptyGlobIsNamed() throws IOException {
        touch("a.tfrecord");
        String glob = tmp + "/2d_oracle_particle*.tfrecord";
        DatasetException e = assertThrows(DatasetException.class, () -> ShardGlob.resolve(glob));
        assertEquals("No data found at " + glob + ": no file matches it", e.getMessage());
        String list = tmp + "/a.tfrecord," + glob;
        e = assertThrows(DatasetException.class, () -> ShardGlob.resolve(list));
        assertTrue(e.getMessage().startsWith("No data found at " + glob + " (one of the globs of dataset_path "
                + list + ")"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> ShardGlob.resolve(tmp + "/missing.tfrecord"));
        assertTrue(e.getMessage().contains("missing.tfrecord"), e.getMessage());
        Files.createDirectories(tmp.resolve("dir.tfrecord"));
        e = assertThrows(DatasetException.class, () -> ShardGlob.resolve(tmp + "/dir*"));
        assertTrue(e.getMessage().endsWith("dir.tfrecord, which is not a regular file"), e.getMessage());
    }

    @Test
    void evalSplitTakesIntOfShardsTimesFractionFromTheEnd() throws IOException {
        List<Path> ten = touch("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9");
        ShardGlob.Split s = ShardGlob.split(ten, 0.0, -1);
        assertEquals(ten, s.train());
        assertEquals(List.of(), s.eval());
        s = ShardGlob.split(ten, 0.1, -1);
        assertEquals(ten.subList(0, 9), s.train());
        assertEquals(List.of(ten.get(9)), s.eval());
        // Python int() truncates: int(10 * 0.25) = 2, int(10 * 0.3) = int(3.0000000000000004) = 3,
        // int(10 * 0.15) = 1, int(3 * 0.1) = 0
        assertEquals(2, ShardGlob.split(ten, 0.25, -1).eval().size());
        assertEquals(3, ShardGlob.split(ten, 0.3, -1).eval().size());
        assertEquals(1, ShardGlob.split(ten, 0.15, -1).eval().size());
        assertEquals(0, ShardGlob.split(ten.subList(0, 3), 0.1, -1).eval().size());
        // max_data_shards keeps the first k before splitting
        s = ShardGlob.split(ten, 0.5, 4);
        assertEquals(ten.subList(0, 2), s.train());
        assertEquals(ten.subList(2, 4), s.eval());
        assertEquals(10, ShardGlob.split(ten, 0.0, 50).train().size());
        assertThrows(DatasetException.class, () -> ShardGlob.split(ten, 1.0, -1));
        assertThrows(IllegalArgumentException.class, () -> ShardGlob.split(ten, -0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> ShardGlob.split(ten, 0.1, 0));
    }
}
