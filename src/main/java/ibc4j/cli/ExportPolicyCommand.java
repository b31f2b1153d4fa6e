package ibc4j.cli;

import ibc4j.agents.BcPolicy;
import ibc4j.agents.IbcPolicy;
import ibc4j.agents.MsePolicy;
import ibc4j.agents.policy.IbcPolicyLayer;
import ibc4j.agents.policy.PolicyLayer;
import ibc4j.agents.policy.PolicyModels;
import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import ibc4j.optimizers.ExponentialDecay;
import ibc4j.train.AgentKind;
import ibc4j.train.AgentKinds;
import ibc4j.train.CheckpointStore;
import ibc4j.train.RunInvocation;
import ibc4j.train.TrainCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * {@code ibc4j export-policy --root_dir=RUN --out=policy.zip}: a saved step's policy (IbcPolicy, or the MSE
 * baseline's), rebuilt as {@code eval} rebuilds it (the run's config, the step's weights), written as a DL4J model ({@link PolicyModels}) that any JVM
 * program loads with {@code ModelSerializer.restoreComputationGraph} and calls with {@code output(observation)}.
 */
public final class ExportPolicyCommand {
    private ExportPolicyCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("root_dir").hasArg().required().desc("The run dir.").build());
        o.addOption(Option.builder().longOpt("step").hasArg().desc("Step to export (default: the newest).").build());
        o.addOption(Option.builder().longOpt("out").hasArg().required().desc("The model file to write (.zip).")
                .build());
        o.addOption(Option.builder().longOpt("noise_seed").hasArg()
                .desc("Seed of the policy's random draws (default 0).").build());
        o.addOption(Option.builder().longOpt("gin_bindings").hasArg()
                .desc("Extra gin bindings after the run's (repeatable), e.g. IbcPolicy.num_action_samples=1024.")
                .build());
        o.addOption(Option.builder().longOpt("overwrite").desc("Replace an existing --out file.").build());
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            new HelpFormatter().printHelp(new java.io.PrintWriter(out, true), 110, "ibc4j export-policy", null,
                    options(), 2, 2, null, true);
            return 0;
        }
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
        } catch (ParseException e) {
            err.println("export-policy: " + e.getMessage() + " (see ./ibc4j export-policy --help)");
            return 2;
        }
        try {
            Path root = Path.of(cl.getOptionValue("root_dir"));
            if (!Files.isDirectory(root)) {
                throw new IOException("run dir " + root + " does not exist");
            }
            Path target = Path.of(cl.getOptionValue("out"));
            if (Files.isDirectory(target)) {
                throw new IOException("--out=" + target + " is a directory; give a file name such as policy.zip");
            }
            if (Files.exists(target) && !cl.hasOption("overwrite")) {
                throw new IOException("--out=" + target + " exists; pass --overwrite to replace it");
            }
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new IOException("--out=" + target + ": directory " + parent + " does not exist");
            }
            long seed = noiseSeed(cl.getOptionValue("noise_seed"));
            Path file = EvalCommand.pick(root, cl.getOptionValue("step"));
            CheckpointStore.Checkpoint ckpt = CheckpointStore.load(file);
            RunInvocation inv = RunInvocation.fromCheckpointMeta(ckpt.meta()).orElse(null);
            if (inv == null) {
                inv = RunInvocation.read(root);
            }
            List<String> bindings = new ArrayList<>();
            boolean particle = inv.task().contains("PARTICLE");
            if (!particle) {
                // ibc4j knows only the particle env's action spec; elsewhere there is nothing to clip to.
                bindings.add("IbcPolicy.clip = False");
            }
            bindings.addAll(TrainCommand.list(cl.getOptionValues("gin_bindings")));
            GinConfig gin = inv.gin(IbcConfigurables.registry(), bindings);
            TrainCheckpoint.State s = TrainCheckpoint.fromCheckpoint(ckpt, new ExponentialDecay(1e-3f, 100, 0.99f));
            int seqLen = EvalCommand.intBinding(gin, "train_eval", "sequence_length", 2);
            int obsDim = 0;
            for (ibc4j.normalizers.Normalizers.Std n : s.norm().obsNorm().values()) {
                obsDim += n.mean().length * seqLen;
            }
            AgentKind kind = AgentKinds.of(String.valueOf(gin.queryParameter("train_eval.loss_type")),
                    String.valueOf(gin.queryParameter("train_eval.network")));
            BcPolicy policy = kind.policy(gin, obsDim, s);
            ComputationGraph graph;
            String how;
            if (policy instanceof IbcPolicy ibc) {
                graph = PolicyModels.export(ibc, seed);
                IbcPolicyLayer l = (IbcPolicyLayer) PolicyModels.policyLayer(graph);
                how = "IbcPolicy: " + (l.isUseDfo() ? "DFO" : "") + (l.isUseDfo() && l.isUseLangevin() ? " + " : "")
                        + (l.isUseLangevin() ? "Langevin" : "") + " over " + l.getNumActionSamples()
                        + " samples; noise seed " + seed;
            } else if (policy instanceof MsePolicy mse) {
                graph = PolicyModels.export(mse);
                how = "MSE policy (deterministic)";
            } else {
                throw new UnsupportedOperationException("exporting a train_eval.loss_type = '" + kind.lossType()
                        + "' policy is not supported");
            }
            ModelSerializer.writeModel(graph, target.toFile(), false);
            PolicyLayer layer = PolicyModels.policyLayer(graph);
            out.println("wrote " + target + " (step " + s.step() + ", " + file.getFileName() + ")");
            out.println("  input  '" + PolicyModels.INPUT + "' [B, " + layer.getNIn() + "]: raw observations, "
                    + layer.getHistoryLength() + " frames oldest first, each " + describe(layer));
            out.println("  output [B, " + layer.getNOut() + "]: the action" + (particle ? " (clipped to [0, 1])"
                    : " (not clipped: no env action spec for task " + inv.task() + ")"));
            out.println("  " + how);
            return 0;
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            err.println("export-policy: " + TrainCommand.message(e));
            return 2;
        }
    }

    private static String describe(PolicyLayer layer) {
        String[] keys = layer.getObsKeys();
        int[] dims = layer.getObsKeyDims();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            parts.add(keys[i] + " " + dims[i]);
        }
        return String.join(", ", parts);
    }

    private static long noiseSeed(String v) {
        if (v == null) {
            return 0L;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--noise_seed=" + v + ": expected an integer");
        }
    }
}
