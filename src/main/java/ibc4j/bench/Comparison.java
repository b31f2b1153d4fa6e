package ibc4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ibc4j against TF IBC on the same machine ({@code bench compare}): one row per figure with both medians and
 * ranges and the ratio TF/ibc4j (above 1: ibc4j is faster), plus each side's measured sgemm for context. Built
 * from plain figures so that the table and its JSON can be tested without timing anything.
 */
public record Comparison(List<Row> rows, Summary ibc4jGemmMs, Summary tfGemmMs, int gemmM, int gemmK, int gemmN,
                         Map<String, Object> ibc4jMachine, TfBench tf) {
    /** The compared figures, in table order (ibc4j bench names, as bench_tf.py names them too). */
    public static final List<String> FIGURES = List.of("langevin", "train-step", "inference");

    /** One figure: what it is, and both sides' wall ms per call. */
    public record Row(String figure, String what, Summary ibc4j, Summary tf) {
        /** TF median over ibc4j median: above 1 means ibc4j is faster. */
        public double ratio() {
            return tf.median() / ibc4j.median();
        }
    }

    /**
     * One row per figure the tf-json holds: the particle's three {@link #FIGURES} when it has them, then each
     * family's ({@link TfBench#families()}), keyed "family/figure".
     *
     * @param ibc4jMs    wall ms per call by ibc4j bench name: the figures the tf-json holds (a family's as
     *                   "push/train-step") and "gemm"
     * @param shapes     the particle shapes ibc4j ran (the row labels say them; a family's come from its shape)
     * @param ibc4jMachine {@link MachineInfo#detect()} of the ibc4j run, with load_average_start/_end
     */
    public static Comparison of(Map<String, Summary> ibc4jMs, BenchShapes shapes, Map<String, Object> ibc4jMachine,
                                TfBench tf) {
        List<Row> rows = new ArrayList<>();
        for (String f : keys(tf)) {
            Summary mine = ibc4jMs.get(f);
            if (mine == null) {
                throw new IllegalArgumentException("no ibc4j figure for " + f);
            }
            rows.add(new Row(f, label(f, shapes, tf), mine, tf.figure(f).ms()));
        }
        Summary gemm = ibc4jMs.get("gemm");
        if (gemm == null) {
            throw new IllegalArgumentException("no ibc4j figure for gemm");
        }
        return new Comparison(rows, gemm, tf.figures().get("gemm").ms(), shapes.chainRows(), shapes.width(),
                shapes.width(), ibc4jMachine, tf);
    }

    /** The figures to compare, in table order: particle's (if present), then "family/figure" per family. */
    public static List<String> keys(TfBench tf) {
        List<String> keys = new ArrayList<>();
        if (tf.hasParticle()) {
            keys.addAll(FIGURES);
        }
        tf.families().forEach((name, fam) -> fam.figures().keySet().forEach(f -> keys.add(name + "/" + f)));
        return keys;
    }

    static String label(String key, BenchShapes s, TfBench tf) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return label(key, s);
        }
        String name = key.substring(0, slash);
        Map<String, Object> sh = tf.families().get(name).shape();
        String net = String.format("%s × %s%s", sh.get("width"), sh.get("depth"),
                Boolean.TRUE.equals(sh.get("spectral_norm")) ? " SN" : "");
        return switch (key.substring(slash + 1)) {
            case "langevin" -> String.format("%s: Langevin chain, %d samples × %s steps, %s", name,
                    ((Number) sh.get("batch")).intValue() * ((Number) sh.get("counter_examples")).intValue(),
                    sh.get("langevin_steps"), net);
            case "train-step" -> String.format("%s: training step, B = %s, n = %s, %s", name, sh.get("batch"),
                    sh.get("counter_examples"), net);
            case "inference" -> String.format("%s: inference, 1 obs, %s samples, %s", name,
                    sh.get("inference_samples"), net);
            default -> key;
        };
    }

    static String label(String figure, BenchShapes s) {
        return switch (figure) {
            case "langevin" -> String.format("Langevin chain, %d samples × %d steps", s.chainRows(), s.steps());
            case "train-step" -> String.format("training step, B = %d, n = %d", s.batch(), s.counterExamples());
            case "inference" -> String.format("inference, 1 obs, %d samples × %d steps", s.inferenceSamples(),
                    s.steps());
            default -> figure;
        };
    }

    /** GFLOP/s of one [m,k]·[k,n] sgemm at {@code ms}. */
    double gflops(double ms) {
        return 2.0 * gemmM * gemmK * gemmN / (ms * 1e6);
    }

    private static String range(Summary s) {
        return String.format("%.1f (%.1f–%.1f)", s.median(), s.min(), s.max());
    }

    private static String gemmRange(Summary s) {
        return String.format("%.2f (%.2f–%.2f)", s.median(), s.min(), s.max());
    }

    /** The table (Markdown, so that it pastes into docs/performance.md) and the context lines under it. */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append("| figure | ibc4j ms, median (min–max) | TF ms, median (min–max) | TF/ibc4j |\n");
        b.append("|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format("| %s | %s | %s | %.2f |%n", r.what(), range(r.ibc4j()), range(r.tf()),
                    r.ratio()));
        }
        b.append(String.format("| sgemm %d×%d·%d×%d (context) | %s | %s | %.2f |%n", gemmM, gemmK, gemmK, gemmN,
                gemmRange(ibc4jGemmMs), gemmRange(tfGemmMs), tfGemmMs.median() / ibc4jGemmMs.median()));
        b.append('\n');
        b.append(String.format("TF/ibc4j > 1: ibc4j is faster. Repeats: ibc4j %d, TF %d per figure.%n",
                rows.get(0).ibc4j().n(), rows.get(0).tf().n()));
        b.append(String.format("sgemm: ibc4j Nd4j.gemm %.1f GFLOP/s (%s), TF tf.linalg.matmul %.1f GFLOP/s "
                + "(oneDNN %s)%n", gflops(ibc4jGemmMs.median()), ibc4jMachine.getOrDefault("blas_jars", "?"),
                gflops(tfGemmMs.median()), tf.machineField("onednn_enabled")));
        for (Row r : rows) {
            TfBench.Figure f = tf.figure(r.figure());
            if (f.coresBusy() != null) {
                b.append(String.format("TF %-10s kept %.2f cores busy (median CPU time / wall)%n", r.figure(),
                        f.coresBusy().median()));
            }
        }
        b.append(String.format("ibc4j: %s (family/model %s), %s cores; Java %s; OMP_WAIT_POLICY=%s; load %s -> %s%n",
                ibc4jMachine.getOrDefault("cpu_model", "?"), ibc4jMachine.getOrDefault("cpu_family_model", "?"),
                ibc4jMachine.getOrDefault("cores", "?"), ibc4jMachine.getOrDefault("java", "?"),
                ibc4jMachine.getOrDefault("OMP_WAIT_POLICY", "?"), ibc4jMachine.getOrDefault("load_average_start", "?"),
                ibc4jMachine.getOrDefault("load_average_end", "?")));
        b.append(String.format("TF:    %s (family/model %s), %s cores; TF %s, tf-agents %s; intra-op %s / inter-op %s "
                + "threads (0 = TF default); load %s -> %s%n", tf.machineField("cpu_model"),
                tf.machineField("cpu_family_model"), tf.machineField("cores_usable"), tf.machineField("tensorflow"),
                tf.machineField("tf_agents"), tf.machineField("tf_intra_op_threads"),
                tf.machineField("tf_inter_op_threads"), tf.loadStart(), tf.loadEnd()));
        b.append("TF figures from ").append(tf.file()).append('\n');
        return b.toString();
    }

    /** The JSON object: rows with both summaries and the ratio, the sgemm context, both machines. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("figure", r.figure());
            x.put("what", r.what());
            x.put("ibc4j_ms", r.ibc4j().toMap());
            x.put("tf_ms", r.tf().toMap());
            x.put("ratio_tf_over_ibc4j", r.ratio());
            rs.add(x);
        }
        m.put("rows", rs);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("shape", List.of(gemmM, gemmK, gemmN));
        g.put("ibc4j_ms", ibc4jGemmMs.toMap());
        g.put("ibc4j_gflops", gflops(ibc4jGemmMs.median()));
        g.put("tf_ms", tfGemmMs.toMap());
        g.put("tf_gflops", gflops(tfGemmMs.median()));
        g.put("ratio_tf_over_ibc4j", tfGemmMs.median() / ibc4jGemmMs.median());
        m.put("sgemm", g);
        m.put("tf_json", tf.file().toString());
        m.put("tf_machine", tf.machine());
        m.put("tf_load_average", Map.of("start", tf.loadStart(), "end", tf.loadEnd()));
        m.put("ibc4j_machine", ibc4jMachine);
        return m;
    }
}
