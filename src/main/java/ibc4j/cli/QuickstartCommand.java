package ibc4j.cli;

import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ibc4j quickstart}: the 2-D particle pipeline on the embedded config, as far as ibc4j has it today.
 * It collects a small oracle dataset exactly as IBC's collect_data.sh would (fewer episodes), binds the embedded
 * {@code configs/particle/mlp_ebm_langevin.gin} against it and writes the operative config. Training and
 * evaluation need {@code train_eval}, which is not implemented yet: the command says so rather than pretend.
 */
public final class QuickstartCommand {
    private static final String CONFIG = "configs/particle/mlp_ebm_langevin.gin";

    private QuickstartCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path root = Path.of(args.length > 0 ? args[0] : "runs/quickstart");
        Path data = root.resolve("data/2d_oracle_particle.tfrecord");
        try {
            Files.createDirectories(root);
            out.println("1/2 collecting 2 x 10 oracle episodes (2-D particle) into " + data.getParent());
            GinConfig collectGin = new GinConfig();
            collectGin.parseBindings(List.of("ParticleEnv.n_dim = 2"));
            CollectCommand.collect(collectGin, data, 10, 2, 0L, out);

            out.println("2/2 binding " + CONFIG + " (unmodified IBC config, embedded in the jar)");
            GinConfig gin = new GinConfig();
            gin.parseFilesAndBindings(List.of(CONFIG), List.of(
                    "train_eval.dataset_path = '" + data.getParent().resolve("2d_oracle_particle_*.tfrecord") + "'",
                    "ParticleEnv.n_dim = 2"));
            gin.finalizeConfig();
            Path operative = root.resolve("operative-gin-config.txt");
            Files.writeString(operative, gin.bindOnlyConfigString());
            out.println("   operative config: " + operative);
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("quickstart: " + e.getMessage());
            return 2;
        }
        out.println();
        out.println("Not yet in ibc4j: train_eval (training loop, checkpoints, evaluation, TensorBoard, plots).");
        out.println("What runs today: ./ibc4j parity (32 component rows against TF IBC), ./ibc4j collect, "
                + "./ibc4j gin parse|bind, ./ibc4j describe NAME.");
        return 0;
    }
}
