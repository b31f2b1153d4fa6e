package ibc4j.cli;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ibc4j quickstart}: the 2-D particle pipeline in a few minutes on 2 cores. It collects a small oracle
 * dataset as IBC's collect_data.sh would (fewer episodes), trains the unmodified, embedded
 * {@code configs/particle/mlp_ebm_langevin.gin} with bindings that shrink the run (batch 64, 500 steps, 256
 * action samples at inference), evaluates 5 episodes, writes a GIF, and prints where everything is.
 */
public final class QuickstartCommand {
    static final String CONFIG = "configs/particle/mlp_ebm_langevin.gin";
    /** The bindings that make IBC's config a quick-start; everything else is the config's own. */
    static final List<String> QUICK = List.of(
            "train_eval.batch_size = 64",
            "train_eval.num_iterations = 500",
            "train_eval.replay_capacity = 10000",
            "train_eval.eval_interval = 500",
            "train_eval.eval_episodes = 5",
            "IbcPolicy.num_action_samples = 256",
            "ParticleEnv.n_dim = 2");

    private QuickstartCommand() {}

    static final String USAGE = String.join("\n",
            "usage: ibc4j quickstart [RUN_DIR]",
            "Collects 2 x 100 oracle episodes of the 2-D particle task, trains IBC's " + CONFIG,
            "with the bindings below (500 steps at batch 64), evaluates 5 episodes and writes a GIF,",
            "all under RUN_DIR (default: runs/quickstart).");

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            out.println(USAGE);
            QUICK.forEach(b -> out.println("  " + b));
            return 0;
        }
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            err.println("quickstart: takes one optional RUN_DIR, got " + String.join(" ", args) + "\n" + USAGE);
            return 2;
        }
        Path root = Path.of(args.length > 0 ? args[0] : "runs/quickstart");
        Path data = root.resolve("data/2d_oracle_particle.tfrecord");
        try {
            Files.createDirectories(root);
            out.println("1/2 collecting 2 x 100 oracle episodes (2-D particle) into " + data.getParent());
            GinConfig collectGin = IbcConfigurables.newGinConfig();
            collectGin.parseBindings(List.of("ParticleEnv.n_dim = 2"));
            CollectCommand.collect(collectGin, data, 100, 2, 0L, out);
        } catch (IOException | RuntimeException e) {
            err.println("quickstart: " + e.getMessage());
            return 2;
        }
        out.println("2/2 training " + CONFIG + " (IBC's config, unmodified, embedded in the jar) with:");
        QUICK.forEach(b -> out.println("      " + b));
        List<String> train = new ArrayList<>(List.of("--gin_file=" + CONFIG, "--task=PARTICLE", "--tag=ibc_langevin",
                "--add_time=True", "--video", "--checkpoint_interval=100",
                "--gin_bindings=train_eval.root_dir='" + root.resolve("runs") + "'",
                "--gin_bindings=train_eval.dataset_path='" + data.getParent().resolve("2d_oracle_particle_*.tfrecord")
                        + "'"));
        QUICK.forEach(b -> train.add("--gin_bindings=" + b));
        int rc = TrainCommand.run(train.toArray(String[]::new), out, err);
        if (rc == 0) {
            out.println();
            out.println("Next: the full 2-D run of docs/results.md, or ./ibc4j train --help.");
        }
        return rc;
    }
}
