package ibc4j.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one point to its end: {@code ibc4j train} in {@code runs/<id>} (resuming from its checkpoints when an
 * earlier attempt was interrupted), then its marker. Whatever happens to the point (a NaN stop, a crash, bad data)
 * is recorded as its failure and returned: one point never stops the sweep. Idempotent, so a retried Spark task
 * or a rerun sweep only finishes what is unfinished.
 */
public final class PointRunner {
    private static final Pattern RUN_DIR = Pattern.compile("^run dir: .* \\(step (\\d+)\\)$");
    private static final Pattern STEP = Pattern.compile("\\bstep (\\d+)\\b");

    private PointRunner() {}

    /** The point's stored result if it is finished for this sweep (done; failed unless retried), else null. */
    public static PointResult finished(SweepSpec spec, SweepPoint p) {
        PointResult r = new SweepLayout(spec.rootPath()).read(p.id());
        return r != null && (r.done() || !spec.retryFailed()) ? r : null;
    }

    public static PointResult run(SweepSpec spec, SweepPoint p) {
        PointResult prior = finished(spec, p);
        if (prior != null) {
            return prior;
        }
        SweepLayout layout = new SweepLayout(spec.rootPath());
        Path runDir = layout.runDir(p);
        PointResult r;
        if (p.dataKey() != null && !DataCollector.ready(layout, p.dataKey())) {
            r = PointResult.failed(p, runDir.toString(), 0, null, "no data: collecting data/" + p.dataKey()
                    + " failed (see " + layout.log("data-" + p.dataKey()) + ")");
        } else {
            try {
                PointClock clock = new PointClock(layout.clock(p.id()));
                ChildRun.Outcome o = ChildRun.run(spec, trainArgs(spec, layout, p), layout.log(p.id()), clock::save);
                clock.save(o.seconds());
                r = result(p, runDir, o, clock.total(o.seconds()));
            } catch (IOException e) {
                r = PointResult.failed(p, runDir.toString(), 0, null, "could not start the point: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("point " + p.id() + " interrupted; a rerun resumes it", e);
            }
        }
        layout.write(r);
        return r;
    }

    static List<String> trainArgs(SweepSpec spec, SweepLayout layout, SweepPoint p) {
        List<String> a = new ArrayList<>(List.of("train", "--progress=log", "--tag=" + p.id(),
                "--checkpoint_interval=" + spec.checkpointInterval()));
        SweepPlan.pointGinFiles(spec, p.bindings()).forEach(f -> a.add("--gin_file=" + f));
        spec.tasks().forEach(t -> a.add("--task=" + t));
        if (spec.skipEval()) {
            a.add("--skip_eval");
        }
        for (String b : SweepPlan.pointBindings(spec, p.bindings(), p.seed())) {
            a.add("--gin_bindings=" + b);
        }
        a.add("--gin_bindings=train_eval.root_dir='" + layout.runs() + "'");
        if (p.dataKey() != null) {
            a.add("--gin_bindings=train_eval.dataset_path='" + layout.data(p.dataKey()).resolve(SweepPlan.DATA_FILES)
                    + "'");
        }
        return a;
    }

    private static PointResult result(SweepPoint p, Path runDir, ChildRun.Outcome o, double seconds) {
        Long steps = null;
        for (String l : o.lines()) {
            Matcher m = RUN_DIR.matcher(l.strip());
            if (m.matches()) {
                steps = Long.valueOf(m.group(1));
            }
        }
        if (o.exitCode() != 0 || steps == null) {
            return PointResult.failed(p, runDir.toString(), seconds, lastStep(o.lines()),
                    o.error() + " (exit status " + o.exitCode() + ")");
        }
        Double success = null;
        Double ret = null;
        Path metrics = runDir.resolve("eval").resolve("metrics.jsonl");
        try {
            if (Files.isRegularFile(metrics)) {
                ObjectMapper json = new ObjectMapper();
                for (String line : Files.readAllLines(metrics)) {
                    JsonNode n = line.isBlank() ? null : json.readTree(line).get("metrics");
                    if (n != null) {
                        success = n.has("AverageSuccessMetric") ? n.get("AverageSuccessMetric").asDouble() : null;
                        ret = n.has("AverageReturn") ? n.get("AverageReturn").asDouble() : null;
                    }
                }
            }
        } catch (IOException e) {
            return PointResult.failed(p, runDir.toString(), seconds, steps, "trained, but " + metrics
                    + " is unreadable: " + e.getMessage());
        }
        return new PointResult(p.id(), p.bindings(), p.seed(), PointResult.DONE, success, ret, steps, seconds,
                null, runDir.toString());
    }

    /** The last "step N" a failed attempt printed (a NaN stop names its step), else null. */
    private static Long lastStep(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = STEP.matcher(lines.get(i));
            if (m.find()) {
                return Long.valueOf(m.group(1));
            }
        }
        return null;
    }
}
