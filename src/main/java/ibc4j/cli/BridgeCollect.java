package ibc4j.cli;

import ibc4j.environments.bridge.BridgeEnv;
import ibc4j.environments.bridge.BridgeException;
import ibc4j.environments.bridge.BridgeOptions;
import ibc4j.environments.bridge.BridgePolicyEval;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * {@code collect} for the tasks whose simulator is IBC's own (block pushing): each replica runs IBC's oracle in
 * its own bridge server (python/ibc4j_envs) and writes {@code <stem>_<i><ext>} with its {@code .spec}.
 */
final class BridgeCollect {
    /** The oracle per task: policy_eval.py's names, and IBC's two push oracles policy_eval.py cannot select. */
    static final Map<String, String> ORACLES = Map.of("PUSH", "oracle_push", "REACH", "oracle_reach",
            "PUSH_DISCONTINUOUS", "oracle_push_discontinuous", "PUSH_MULTIMODAL", "oracle_push_multimodal",
            "PARTICLE", "particle_green_then_blue");

    private BridgeCollect() {}

    static int run(BridgeOptions options, String task, String policy, Path dataset, int episodes, int replicas,
                   Long seed, PrintStream out, PrintStream err) {
        return run(options, task, policy, dataset, episodes, replicas, seed, false, out, err);
    }

    /** @param useImageObs IBC's {@code --use_image_obs}: the Rgb env, its images written as JPEG */
    static int run(BridgeOptions options, String task, String policy, Path dataset, int episodes, int replicas,
                   Long seed, boolean useImageObs, PrintStream out, PrintStream err) {
        String oracle = ORACLES.get(task);
        if (oracle == null) {
            err.println("collect: IBC has no oracle for --task=" + task + "; tasks with one: " + ORACLES.keySet());
            return 2;
        }
        if (policy != null && !policy.equals(oracle)) {
            err.println("collect: --policy=" + policy + " is not the oracle of --task=" + task + " (" + oracle + ")");
            return 2;
        }
        // Each replica's server is started before any data is written, so a setup problem stops everything.
        List<BridgeEnv> envs = new ArrayList<>();
        try {
            for (int i = 0; i < replicas; i++) {
                BridgeEnv env = new BridgeEnv(options, task, useImageObs, null, oracle, List.of());
                envs.add(env);
                env.open();
            }
            collect(envs, dataset, episodes, seed, out);
            return 0;
        } catch (BridgeException e) {
            err.println("collect: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("collect: " + e.getMessage());
            return 2;
        } finally {
            envs.forEach(BridgeEnv::close);
        }
    }

    private static void collect(List<BridgeEnv> envs, Path dataset, int episodes, Long seed, PrintStream out)
            throws IOException {
        if (dataset.getParent() != null) {
            Files.createDirectories(dataset.getParent());
        }
        String name = dataset.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot);
        int replicas = envs.size();
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("collect").setInitialMax((long) episodes * replicas)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" episodes", 1).build()) {
            List<Future<Map<String, Float>>> results = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                Path file = replicas == 1 ? dataset : dataset.resolveSibling(stem + "_" + i + ext);
                BridgeEnv env = envs.get(i);
                Long s = seed == null ? null : seed + i;
                results.add(pool.submit(() -> BridgePolicyEval.collect(env, file, episodes, s, n -> bar.step())));
            }
            List<Map<String, Float>> metrics = new ArrayList<>();
            for (Future<Map<String, Float>> r : results) {
                metrics.add(r.get());
            }
            bar.close();
            for (int i = 0; i < replicas; i++) {
                out.println("replica " + i + ": " + metrics.get(i));
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof BridgeException b) {
                throw b;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        out.println("wrote " + (long) episodes * replicas + " episodes to " + replicas + " file(s) next to " + dataset);
    }
}
