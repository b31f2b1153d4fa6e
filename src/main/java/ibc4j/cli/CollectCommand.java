package ibc4j.cli;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.environments.PolicyEval;
import ibc4j.environments.particle.ParticleEnv;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code ibc4j collect}: IBC's {@code data/policy_eval.py} for oracle data, with its flags, e.g.
 * <pre>
 * ./ibc4j collect --policy=particle_green_then_blue --task=PARTICLE --num_episodes=200 --replicas=10 \
 *     --dataset_path=data/particle/2d_oracle_particle.tfrecord --use_image_obs=False \
 *     --gin_bindings="ParticleEnv.n_dim=2"
 * </pre>
 * With {@code --replicas=R} it writes {@code <stem>_<i><ext>} for i in 0..R−1, each with its {@code .spec}, as
 * IBC's forked replicas do; here they are threads. IBC seeds each replica from OS entropy, so its data is not
 * reproducible; {@code --seed S} (ibc4j only) seeds replica i with S + i.
 */
public final class CollectCommand {
    private CollectCommand() {}

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("policy").hasArg().desc("Oracle policy: "
                + "particle_green_then_blue (PARTICLE), oracle_push, oracle_reach, oracle_push_discontinuous, "
                + "oracle_push_multimodal. Defaults to the task's oracle.").build());
        o.addOption(Option.builder().longOpt("task").hasArg().desc("Task: PARTICLE (in Java), or PUSH, "
                + "REACH, PUSH_DISCONTINUOUS, PUSH_MULTIMODAL (IBC's envs through the bridge). Defaults to PARTICLE.").build());
        o.addOption(Option.builder().longOpt("num_episodes").hasArg().desc("Episodes per replica. Defaults to 5.")
                .build());
        o.addOption(Option.builder().longOpt("replicas").hasArg().desc("Replicas (files). Defaults to 1.").build());
        o.addOption(Option.builder().longOpt("dataset_path").hasArg().required()
                .desc("Output .tfrecord path; replicas add _<i> before the extension.").build());
        o.addOption(Option.builder().longOpt("use_image_obs").hasArg().desc("True: IBC's Rgb env (block tasks), "
                + "its images written as JPEG as IBC does. Must be False for PARTICLE. Defaults to False.").build());
        o.addOption(Option.builder().longOpt("gin_file").hasArg().desc("Gin file (repeatable).").build());
        o.addOption(Option.builder().longOpt("gin_bindings").hasArg()
                .desc("Gin binding, e.g. ParticleEnv.n_dim=2 (repeatable).").build());
        o.addOption(Option.builder().longOpt("seed").hasArg().desc("ibc4j only: seed replica i with seed+i. "
                + "Defaults to OS entropy, as IBC.").build());
        o.addOption(Option.builder().longOpt("python").hasArg().desc("Block pushing: the Python of the env bridge "
                + "(python/requirements.txt installed). Defaults to python3.").build());
        o.addOption(Option.builder().longOpt("ibc_root").hasArg().desc("Block pushing: the IBC checkout (the "
                + "directory named ibc) whose envs and oracles the bridge runs.").build());
        o.addOption(Option.builder().longOpt("alsologtostderr").desc("Accepted for IBC compatibility.").build());
        o.addOption(Option.builder().longOpt("help").desc("This help.").build());
        return o;
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    private static void usage(PrintStream to) {
        new HelpFormatter().printHelp(new java.io.PrintWriter(to, true), 100, "ibc4j collect", null, options(), 2, 2,
                null, true);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            usage(out);
            return 0;
        }
        CommandLine cl;
        try {
            cl = new DefaultParser(false).parse(options(), args);
        } catch (ParseException e) {
            err.println("collect: " + e.getMessage());
            usage(err);
            return 2;
        }
        String task = cl.getOptionValue("task", "PARTICLE");
        String policy = cl.getOptionValue("policy", task.equals("PARTICLE") ? "particle_green_then_blue" : null);
        if (task.equals("PARTICLE") && !policy.equals("particle_green_then_blue")) {
            err.println("collect: --task=PARTICLE has the oracle particle_green_then_blue only (got --policy="
                    + policy + ")");
            return 2;
        }
        boolean useImageObs = Boolean.parseBoolean(cl.getOptionValue("use_image_obs", "False"));
        if (useImageObs && task.equals("PARTICLE")) {
            err.println("collect: --use_image_obs=True is not supported for PARTICLE (IBC's eval_env asserts the "
                    + "same); the block tasks record IBC's Rgb envs");
            return 2;
        }
        int episodes;
        int replicas;
        Long seed;
        try {
            episodes = Integer.parseInt(cl.getOptionValue("num_episodes", "5"));
            replicas = Integer.parseInt(cl.getOptionValue("replicas", "1"));
            seed = cl.hasOption("seed") ? Long.valueOf(cl.getOptionValue("seed")) : null;
        } catch (NumberFormatException e) {
            err.println("collect: --num_episodes, --replicas and --seed take integers: " + e.getMessage());
            return 2;
        }
        if (episodes < 1 || replicas < 1) {
            err.println("collect: --num_episodes=" + episodes + " --replicas=" + replicas + ": both must be at least 1");
            return 2;
        }
        if (!task.equals("PARTICLE")) {
            String ibcRoot = cl.getOptionValue("ibc_root");
            if (ibcRoot == null) {
                err.println("collect: --task=" + task + " runs IBC's env and oracle through the bridge: pass "
                        + "--ibc_root=<IBC checkout> (and --python=<venv>/bin/python, see docs/environments.md)");
                return 2;
            }
            return BridgeCollect.run(ibc4j.environments.bridge.BridgeOptions.ibc(cl.getOptionValue("python"),
                    Path.of(ibcRoot), List.of(task)), task, policy, Path.of(cl.getOptionValue("dataset_path")),
                    episodes, replicas, seed, useImageObs, out, err);
        }
        GinConfig gin = IbcConfigurables.newGinConfig();
        try {
            gin.parseFilesAndBindings(list(cl.getOptionValues("gin_file")), list(cl.getOptionValues("gin_bindings")));
            gin.finalizeConfig();
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        }
        Path dataset = Path.of(cl.getOptionValue("dataset_path"));
        try {
            collect(gin, dataset, episodes, replicas, seed, out);
        } catch (IOException | RuntimeException e) {
            // Never "collect: null": a RuntimeException without a message still says what it was.
            err.println("collect: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
            return 2;
        }
        return 0;
    }

    static void collect(GinConfig gin, Path dataset, int episodes, int replicas, Long seed, PrintStream out)
            throws IOException {
        if (dataset.getParent() != null) {
            Files.createDirectories(dataset.getParent());
        }
        String name = dataset.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot);
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(replicas, Runtime.getRuntime().availableProcessors()));
        ProgressBar bar = new ProgressBarBuilder().setTaskName("collect").setInitialMax((long) episodes * replicas)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" episodes", 1).build();
        try {
            List<Future<Map<String, Float>>> results = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                Path file = replicas == 1 ? dataset : dataset.resolveSibling(stem + "_" + i + ext);
                Map<String, Object> caller = new HashMap<>();
                if (seed != null) {
                    caller.put("seed", seed + i);
                }
                ParticleEnv env = gin.make(ParticleEnv.class, caller);
                results.add(pool.submit(() -> PolicyEval.collectParticle(env, file, episodes, n -> {
                    done.incrementAndGet();
                    bar.step();
                })));
            }
            List<Map<String, Float>> metrics = new ArrayList<>();
            for (Future<Map<String, Float>> r : results) {
                metrics.add(r.get());
            }
            close(bar);
            for (int i = 0; i < replicas; i++) {
                out.println("replica " + i + ": " + metrics.get(i));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            close(bar);
            pool.shutdownNow();
        }
        out.println("wrote " + done.get() + " episodes to " + replicas + " file(s) next to " + dataset);
    }

    /** ProgressBar.close() declares Exception; it only stops the render thread and prints the final line. */
    private static void close(ProgressBar bar) {
        try {
            bar.close();
        } catch (Exception e) {
            throw new IllegalStateException("progress bar: " + e.getMessage(), e);
        }
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : List.of(values);
    }
}
