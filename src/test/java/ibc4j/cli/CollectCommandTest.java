package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.SpecFile;
import ibc4j.data.TFRecordReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ibc4j collect}: IBC's flags, replica file naming, and clear refusals. */
class CollectCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CollectCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesOneShardAndSpecPerReplica(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("3d_oracle_particle.tfrecord");
        assertEquals(0, run("--policy=particle_green_then_blue", "--task=PARTICLE", "--num_episodes=3",
                "--replicas=2", "--dataset_path=" + dataset, "--use_image_obs=False",
                "--gin_bindings=ParticleEnv.n_dim=3", "--seed=0"), err.toString());
        for (int i = 0; i < 2; i++) {
            Path shard = dir.resolve("3d_oracle_particle_" + i + ".tfrecord");
            assertEquals(3 * 51, TFRecordReader.count(shard), "51 records per 50-step episode");
            assertTrue(Files.exists(SpecFile.specPathFor(shard)));
        }
        assertTrue(out.toString().contains("AverageSuccessMetric=1.0"), out.toString());
    }

    @Test
    void blockPushingNeedsTheIbcCheckoutForTheBridge(@TempDir Path dir) {
        assertEquals(2, run("--task=PUSH", "--policy=oracle_push", "--dataset_path=" + dir.resolve("x.tfrecord")));
        assertTrue(err.toString().contains("pass --ibc_root=<IBC checkout>"), err.toString());
    }

    @Test
    void aMisspeltBindingGetsACaretAndASuggestion(@TempDir Path dir) {
        assertEquals(2, run("--dataset_path=" + dir.resolve("x.tfrecord"), "--gin_bindings=ParticleEnv.n_dims=3"));
        assertTrue(err.toString().contains("doesn't have a parameter named 'n_dims'"), err.toString());
        assertTrue(err.toString().contains("did you mean 'n_dim'?"), err.toString());
    }
}
