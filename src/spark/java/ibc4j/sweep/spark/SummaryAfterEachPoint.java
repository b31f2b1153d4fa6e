package ibc4j.sweep.spark;

import ibc4j.sweep.Sweep;
import ibc4j.sweep.SweepPlan;
import ibc4j.sweep.SweepSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Rewrites the sweep's summary and plot on the driver each time a task ends, from the markers the points wrote, so
 * that a sweep of many hours shows its finished points while it runs, and still does after it is killed (the final
 * summary is written only when the Spark job returns).
 */
final class SummaryAfterEachPoint extends SparkListener {
    private final SweepSpec spec;
    private final SweepPlan plan;
    private final PrintStream err;
    private boolean warned;

    SummaryAfterEachPoint(SweepSpec spec, SweepPlan plan, PrintStream err) {
        this.spec = spec;
        this.plan = plan;
        this.err = err;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        try {
            Sweep.summarize(spec, plan);
        } catch (IOException | UncheckedIOException e) {
            // The final summary reports for real; one line here, not one per point.
            if (!warned) {
                warned = true;
                err.println("sweep: could not update the summary after a point: " + e.getMessage());
            }
        }
    }
}
