package ibc4j.train;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress: a bar with steps/s, loss and ETA on a terminal, or one log line per fused block (steps/s,
 * loss, ETA) when the output is a file, where a redrawn bar would be noise.
 */
final class TrainProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainEval.class);
    private final ProgressBar bar;
    private final long total;

    TrainProgress(boolean bar, long start, long total) {
        this.total = total;
        this.bar = bar ? new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(start,
                java.time.Duration.ZERO).setStyle(ProgressBarStyle.ASCII).showSpeed().setUnit(" steps", 1)
                .setUpdateIntervalMillis(500).build() : null;
    }

    void step(long step, float loss) {
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
        }
    }

    void block(long step, float loss, double stepsPerSec) {
        if (bar == null) {
            double eta = (total - step) / Math.max(stepsPerSec, 1e-9);
            LOG.info(String.format(Locale.ROOT, "step %d/%d  loss %.4f  %.2f steps/s  ETA %s", step, total, loss,
                    stepsPerSec, hms(eta)));
        }
    }

    void pause() {
        if (bar != null) {
            bar.pause();
        }
    }

    void resume() {
        if (bar != null) {
            bar.resume();
        }
    }

    static String hms(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
