package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.train.TensorBoardReader.Scalar;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPlotsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path root;

    @Test
    void writesTheThreePlotsOfARun() throws Exception {
        try (TensorBoardWriter train = TensorBoardWriter.open(root.resolve("train"));
             TensorBoardWriter eval = TensorBoardWriter.open(root.resolve("eval"))) {
            for (long step = 0; step <= 1000; step += 100) {
                train.scalar("reduced_loss", step, 3.0 / (1 + step / 100.0));
                train.scalar("Losses/total_loss", step, 3.5 / (1 + step / 100.0));
            }
            for (long step = 0; step <= 1000; step += 500) {
                eval.scalar("AggregatedMetrics/AverageSuccessMetric", step, step / 1000.0);
                eval.scalar("AggregatedMetrics/AverageReturn", step, step / 10.0);
                eval.scalar("AggregatedMetrics/AverageEpisodeLength", step, 100 - step / 20.0);
                eval.scalar("AggregatedMetrics/AverageFinalGoalDistance", step, 0.5 - step / 5000.0);
            }
        }
        List<Path> written = TrainingPlots.write(root);
        Path plots = root.resolve("plots");
        assertEquals(List.of(plots.resolve("loss.png"), plots.resolve("success_rate.png"),
                plots.resolve("eval_metrics.png")), written);

        assertPng(plots.resolve("loss.png"), TrainingPlots.WIDTH, TrainingPlots.HEIGHT);
        assertPng(plots.resolve("success_rate.png"), TrainingPlots.WIDTH, TrainingPlots.HEIGHT);
        // three other AggregatedMetrics tags: a 2 x 2 grid of panels
        assertPng(plots.resolve("eval_metrics.png"), 2 * TrainingPlots.WIDTH, 2 * TrainingPlots.HEIGHT);
        try (Stream<Path> s = Files.list(plots)) {
            assertEquals(3, s.count(), "no temp files left behind");
        }
    }

    @Test
    void aPlotWhoseTagsAreAbsentIsSkipped() throws Exception {
        try (TensorBoardWriter train = TensorBoardWriter.open(root.resolve("train"))) {
            train.scalar("reduced_loss", 0, 1.0);
            train.scalar("reduced_loss", 10, 0.5);
            train.scalar("some_other_tag", 10, 7.0);
        }
        // no eval/ directory at all: neither success_rate.png nor eval_metrics.png
        assertEquals(List.of(root.resolve("plots/loss.png")), TrainingPlots.write(root));
        assertPng(root.resolve("plots/loss.png"), TrainingPlots.WIDTH, TrainingPlots.HEIGHT);
        assertFalse(Files.exists(root.resolve("plots/success_rate.png")));
        assertFalse(Files.exists(root.resolve("plots/eval_metrics.png")));
    }

    @Test
    void aRunWithNoScalarsWritesNothing() throws Exception {
        try (TensorBoardWriter eval = TensorBoardWriter.open(root.resolve("eval"))) {
            eval.scalar("Metrics/AverageReturn", 0, 1.0); // per-env, not aggregated: no plot draws it
        }
        assertEquals(List.of(), TrainingPlots.write(root));
        assertFalse(Files.exists(root.resolve("plots/loss.png")));
    }

    @Test
    void lineDrawsTheSeriesItIsGiven() throws Exception {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("up", new double[][] {{0, 1, 2}, {0, 1, 4}});
        series.put("one point", new double[][] {{1}, {Double.NaN}});
        Path png = root.resolve("deep/dir/curve.png");
        TrainingPlots.line(png, "A curve", "x", "y", series);
        BufferedImage img = assertPng(png, TrainingPlots.WIDTH, TrainingPlots.HEIGHT);
        assertTrue(colouredPixels(img) > 100, "the series lines are drawn (text and axes are grey)");

        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class, () -> TrainingPlots.line(
                root.resolve("bad.png"), "Ragged", "x", "y", Map.of("r", new double[][] {{0, 1}, {0}})));
        assertEquals("series 'r' of plot 'Ragged' must be {xs, ys} of one length, got 2 arrays of lengths 2 1",
                ragged.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TrainingPlots.line(root.resolve("empty.png"), "Empty", "x", "y", Map.of()));
        assertFalse(Files.exists(root.resolve("bad.png")));
    }

    @Test
    void aResumedRunsRepeatedStepsReplaceTheEarlierOnes() {
        // ran to step 300, crashed, resumed from the step-200 checkpoint
        List<Scalar> points = List.of(new Scalar(0, 0, 4f), new Scalar(100, 0, 3f), new Scalar(200, 0, 2f),
                new Scalar(300, 0, 1f), new Scalar(200, 0, 2.1f), new Scalar(300, 0, 1.1f), new Scalar(400, 0, 0.9f));
        List<Scalar> kept = TrainingPlots.latestRun(points);
        assertEquals(List.of(0L, 100L, 200L, 300L, 400L), kept.stream().map(Scalar::step).toList());
        assertEquals(List.of(4f, 3f, 2.1f, 1.1f, 0.9f), kept.stream().map(Scalar::value).toList());
    }

    /** Pixels whose red, green and blue differ: only series lines are coloured in an XChart plot. */
    private static int colouredPixels(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) {
                    n++;
                }
            }
        }
        return n;
    }

    private static BufferedImage assertPng(Path png, int width, int height) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, java.util.Arrays.copyOf(bytes, 8), png + " is not a PNG");
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, png + " does not decode");
        assertEquals(width, img.getWidth(), png + " width");
        assertEquals(height, img.getHeight(), png + " height");
        return img;
    }
}
