package ibc4j.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The driver's side of a sweep, whatever runs the points: the plan before, the summary and plot after. Points run
 * through {@link DataCollector#collect} and {@link PointRunner#run}, one call per data set and per point.
 */
public final class Sweep {
    private Sweep() {}

    /**
     * The plan of {@code spec}, checked (a rerun against its root's {@code sweep.json} too); prints what will run
     * and what is finished already.
     */
    public static SweepPlan plan(SweepSpec spec, PrintStream out) {
        SweepPlan plan = SweepPlan.of(spec);
        SweepManifest.checkOrWrite(spec);
        long finished = plan.points().stream().filter(p -> PointRunner.finished(spec, p) != null).count();
        out.println("sweep " + spec.root() + ": " + plan.points().size() + " points (" + finished
                + " finished, skipped), " + plan.dataSets().size() + " data set(s)");
        return plan;
    }

    /** The points still to run. */
    public static List<SweepPoint> todo(SweepSpec spec, SweepPlan plan) {
        return plan.points().stream().filter(p -> PointRunner.finished(spec, p) == null).toList();
    }

    /** What {@link #summarize} wrote: the rows, the CSV and Markdown files, and the plot (null: nothing to plot). */
    public record Written(List<SweepSummary.Row> rows, List<Path> files, Path plot) {}

    /**
     * Writes the summary (from the markers on disk) and the plot. Synchronized: a driver rewrites them as points
     * finish, from another thread than its own final call.
     */
    public static synchronized Written summarize(SweepSpec spec, SweepPlan plan) throws IOException {
        SweepLayout layout = new SweepLayout(spec.rootPath());
        List<SweepSummary.Row> rows = SweepSummary.rows(layout, plan);
        List<Path> files = SweepSummary.write(layout, spec.axes(), rows);
        Path plot = SweepPlot.write(layout, spec.axes(), spec.plotX(), rows);
        return new Written(rows, files, plot);
    }

    /** Writes the summary and the plot ({@link #summarize}) and reports them; returns the rows. */
    public static List<SweepSummary.Row> finish(SweepSpec spec, SweepPlan plan, PrintStream out) throws IOException {
        SweepLayout layout = new SweepLayout(spec.rootPath());
        Written w = summarize(spec, plan);
        List<SweepSummary.Row> rows = w.rows();
        List<Path> files = w.files();
        Path plot = w.plot();
        for (SweepSummary.Row r : rows) {
            if (r.result() != null && !r.result().done()) {
                out.println("  failed: " + r.point().id() + ": " + r.result().error());
            }
        }
        long done = rows.stream().filter(r -> r.result() != null && r.result().done()).count();
        out.println("sweep: " + done + " of " + rows.size() + " points done");
        out.println("  summary:     " + files.get(0) + ", " + files.get(1));
        if (plot != null) {
            out.println("  plot:        " + plot);
        }
        out.println("  TensorBoard: tensorboard --logdir " + layout.runs());
        return rows;
    }
}
