package ibc4j.sweep;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinConfig;
import ibc4j.gin.GinException;
import ibc4j.train.RunInvocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's points (the grid's cartesian product times the seeds, first axis slowest, seeds fastest) and the data
 * sets to collect first. Every point's config is bound and checked here, before anything runs, so a typo stops
 * the sweep with the point and binding it is about instead of failing every point on the cluster.
 */
public record SweepPlan(List<SweepPoint> points, List<DataSet> dataSets) {
    /** The glob, under {@code data/<key>}, of the files collection writes. */
    public static final String DATA_FILES = "oracle_particle*.tfrecord";

    public SweepPlan {
        points = List.copyOf(points);
        dataSets = List.copyOf(dataSets);
    }

    public static SweepPlan of(SweepSpec spec) {
        if (spec.seeds().isEmpty()) {
            throw new IllegalArgumentException("--seeds: give at least one seed, e.g. --seeds 0,1,2");
        }
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of());
        for (GridAxis a : spec.axes()) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> c : cells) {
                for (int i = 0; i < a.values().size(); i++) {
                    List<String> b = new ArrayList<>(c);
                    b.add(a.binding(i));
                    next.add(b);
                }
            }
            cells = next;
        }
        SweepLayout layout = new SweepLayout(spec.rootPath());
        // Names first, all of them: a clash is about the grid, whatever the points' configs say.
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, List<String>> cellOf = new HashMap<>();
        Map<String, Integer> seedOf = new HashMap<>();
        for (List<String> cell : cells) {
            for (int seed : spec.seeds()) {
                List<String> parts = new ArrayList<>(cell.stream().map(GridAxis::label).toList());
                parts.add("seed=" + seed);
                String id = SweepPoint.safe(String.join("__", parts));
                String clash = ids.put(id, String.join(" ", parts));
                if (clash != null) {
                    throw new IllegalArgumentException("--grid: points '" + clash + "' and '" + String.join(" ", parts)
                            + "' get the same run dir name " + id + "; make the values differ in letters or digits");
                }
                cellOf.put(id, cell);
                seedOf.put(id, seed);
            }
        }
        Map<String, DataSet> data = new LinkedHashMap<>();
        List<SweepPoint> points = new ArrayList<>();
        for (String id : ids.keySet()) {
            List<String> cell = cellOf.get(id);
            int seed = seedOf.get(id);
            String key = needsData(spec, cell, seed, id) ? dataKey(cell) : null;
            if (key != null) {
                data.putIfAbsent(key, new DataSet(key, envBindings(cell)));
                check(spec, cell, seed, id, "'" + layout.data(key).resolve(DATA_FILES) + "'");
            }
            points.add(new SweepPoint(id, cell, seed, key));
        }
        if (!data.isEmpty() && !spec.tasks().equals(List.of("PARTICLE"))) {
            throw new IllegalArgumentException("the config binds no train_eval.dataset_path and the sweep collects "
                    + "oracle data for --task=PARTICLE only; bind it with --gin_bindings for task " + spec.tasks());
        }
        return new SweepPlan(points, new ArrayList<>(data.values()));
    }

    /** The gin files a point trains with: the base's, then its {@code gin_file} axis value if the grid has one. */
    static List<String> pointGinFiles(SweepSpec spec, List<String> cell) {
        List<String> all = new ArrayList<>(spec.ginFiles());
        cell.stream().filter(GridAxis::isGinFile).forEach(b -> all.add(b.substring(GridAxis.GIN_FILE.length() + 1)));
        return all;
    }

    /** The gin bindings a point trains with, after the base config's: the base's, the grid's, the seed. */
    static List<String> pointBindings(SweepSpec spec, List<String> cell, int seed) {
        List<String> all = new ArrayList<>(spec.bindings());
        cell.stream().filter(b -> !GridAxis.isGinFile(b)).forEach(all::add);
        all.add("train_eval.seed=" + seed);
        return all;
    }

    /** Binds the point's config as train would, without the data; true when it names no dataset_path. */
    private static boolean needsData(SweepSpec spec, List<String> cell, int seed, String id) {
        GinConfig gin = IbcConfigurables.newGinConfig();
        try {
            gin.parseFilesAndBindings(pointGinFiles(spec, cell), pointBindings(spec, cell, seed));
        } catch (GinException e) {
            throw new IllegalArgumentException("point " + id + ": " + e.getMessage(), e);
        }
        Object path;
        try {
            path = gin.queryParameter("train_eval.dataset_path");
        } catch (GinException e) {
            path = null; // not bound
        }
        if (path == null) {
            return true;
        }
        check(spec, cell, seed, id, null);
        return false;
    }

    /** Resolves train_eval's arguments for the point (data path {@code dataPath} when collected) or says why not. */
    private static void check(SweepSpec spec, List<String> cell, int seed, String id, String dataPath) {
        List<String> all = pointBindings(spec, cell, seed);
        all.add("train_eval.root_dir='" + spec.root() + "'");
        if (dataPath != null) {
            all.add("train_eval.dataset_path=" + dataPath);
        }
        try {
            GinConfig gin = IbcConfigurables.newGinConfig();
            gin.parseFilesAndBindings(pointGinFiles(spec, cell), all);
            gin.finalizeConfig();
            gin.call("train_eval", new RunInvocation(List.of(), List.of(), spec.tasks(), id, false,
                    spec.skipEval(), false, false).trainEvalArgs());
        } catch (GinException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("point " + id + ": " + e.getMessage(), e);
        }
    }

    /** The env bindings of a grid cell: those of ParticleEnv (the data depends on them, not on the method). */
    static List<String> envBindings(List<String> cell) {
        return cell.stream().filter(b -> b.startsWith("ParticleEnv.") || b.contains("/ParticleEnv.")).toList();
    }

    static String dataKey(List<String> cell) {
        List<String> env = envBindings(cell);
        return env.isEmpty() ? "default" : SweepPoint.safe(String.join("__", env));
    }
}
