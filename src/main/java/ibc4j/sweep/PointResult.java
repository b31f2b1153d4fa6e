package ibc4j.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * How a point ended, stored as its marker {@code points/<id>.json}: a rerun skips a point whose marker says
 * {@code done} (and one that says {@code failed}, unless {@code --retry_failed}).
 *
 * @param id            the point
 * @param bindings      its grid bindings
 * @param seed          its seed
 * @param status        {@code done} or {@code failed}
 * @param successRate   AverageSuccessMetric of the last evaluation; null without one
 * @param averageReturn AverageReturn of the last evaluation; null without one
 * @param steps         training steps reached; null when unknown (a failure before training)
 * @param wallSeconds   wall time of the point's training, over all its attempts ({@link PointClock})
 * @param error         why it failed; null when done
 * @param runDir        its run dir
 */
public record PointResult(String id, List<String> bindings, int seed, String status, Double successRate,
                          Double averageReturn, Long steps, double wallSeconds, String error, String runDir)
        implements Serializable {
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    public PointResult {
        bindings = List.copyOf(bindings);
    }

    public boolean done() {
        return DONE.equals(status);
    }

    static PointResult failed(SweepPoint p, String runDir, double seconds, Long steps, String error) {
        return new PointResult(p.id(), p.bindings(), p.seed(), FAILED, null, null, steps, seconds, error, runDir);
    }
}
