package ibc4j.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Collects one data set of a sweep with {@code ibc4j collect} (particle oracle), into {@code data/<key>.partial}
 * and then renamed to {@code data/<key>}: the directory exists only when its data is whole, so a killed sweep
 * collects it again and a finished one never does.
 */
public final class DataCollector {
    private DataCollector() {}

    public static boolean ready(SweepLayout layout, String key) {
        return Files.isDirectory(layout.data(key));
    }

    /** Collects {@code d} unless it is there; returns null when it is, else the error. */
    public static String collect(SweepSpec spec, DataSet d) {
        SweepLayout layout = new SweepLayout(spec.rootPath());
        Path dir = layout.data(d.key());
        if (ready(layout, d.key())) {
            return null;
        }
        Path partial = dir.resolveSibling(d.key() + ".partial");
        Path log = layout.log("data-" + d.key());
        try {
            delete(partial);
            List<String> a = new ArrayList<>(List.of("collect", "--task=PARTICLE",
                    "--num_episodes=" + spec.collect().episodes(), "--replicas=" + spec.collect().replicas(),
                    "--seed=" + spec.collect().seed(), "--dataset_path=" + partial.resolve("oracle_particle.tfrecord")));
            spec.ginFiles().forEach(f -> a.add("--gin_file=" + f));
            spec.bindings().forEach(b -> a.add("--gin_bindings=" + b));
            d.bindings().forEach(b -> a.add("--gin_bindings=" + b));
            ChildRun.Outcome o = ChildRun.run(spec, a, log, seconds -> { });
            if (o.exitCode() != 0) {
                return o.error() + " (exit status " + o.exitCode() + ", log " + log + ")";
            }
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } catch (IOException e) {
            return "collecting data/" + d.key() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("collecting data/" + d.key() + " interrupted; a rerun collects it", e);
        }
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
