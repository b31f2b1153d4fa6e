package ibc4j.train;

import ibc4j.train.TensorBoardReader.Scalar;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a run's TensorBoard scalars, for reading a run without TensorBoard. IBC has no counterpart: its
 * {@code train_eval.py} leaves the curves to TensorBoard. Reads {@code <root>/train} (tf-agents' Learner summaries)
 * and {@code <root>/eval} (the aggregated eval metrics) with {@link TensorBoardReader} and writes
 * {@code <root>/plots/}:
 * <ul>
 *   <li>{@code loss.png}: {@code reduced_loss} and {@code Losses/total_loss} against the train step;</li>
 *   <li>{@code success_rate.png}: {@code AggregatedMetrics/AverageSuccessMetric}, y in [0, 1];</li>
 *   <li>{@code eval_metrics.png}: the other {@code AggregatedMetrics/*} tags, one panel each (their scales
 *       differ: returns, episode lengths...).</li>
 * </ul>
 * A plot none of whose tags was written is skipped. Where a resumed run repeats steps, the later points win, as
 * TensorBoard's out-of-order purge keeps them ({@link #latestRun}). Renders headless; each PNG is written to a
 * temp file and renamed, so a reader never sees half a file.
 */
public final class TrainingPlots {
    /** Pixel size of one chart (one panel of {@code eval_metrics.png}). */
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    /** Panels per row of {@code eval_metrics.png}. */
    static final int PANEL_COLUMNS = 2;

    static final String LOSS = "reduced_loss";
    static final String TOTAL_LOSS = "Losses/total_loss";
    static final String AGGREGATED = "AggregatedMetrics/";
    static final String SUCCESS = AGGREGATED + "AverageSuccessMetric";

    static {
        // No display on a training machine; must be set before AWT's first class loads.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private TrainingPlots() {
    }

    /** Writes the plots of the run in {@code rootDir}; returns the files written, in the order above. */
    public static List<Path> write(Path rootDir) throws IOException {
        Map<String, List<Scalar>> train = TensorBoardReader.readScalars(rootDir.resolve("train"));
        Map<String, List<Scalar>> eval = TensorBoardReader.readScalars(rootDir.resolve("eval"));
        Path plots = rootDir.resolve("plots");
        List<Path> written = new ArrayList<>();

        Map<String, double[][]> losses = series(train, List.of(LOSS, TOTAL_LOSS));
        if (!losses.isEmpty()) {
            written.add(save(plots.resolve("loss.png"), List.of(chart("Training loss", "step", "loss", losses))));
        }
        Map<String, double[][]> success = series(eval, List.of(SUCCESS));
        if (!success.isEmpty()) {
            XYChart c = chart("Success rate", "step", "success rate", success);
            c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
            written.add(save(plots.resolve("success_rate.png"), List.of(c)));
        }
        List<XYChart> panels = new ArrayList<>();
        for (String tag : eval.keySet()) {
            if (tag.startsWith(AGGREGATED) && !tag.equals(SUCCESS)) {
                String name = tag.substring(AGGREGATED.length());
                panels.add(chart(name, "step", name, series(eval, List.of(tag))));
            }
        }
        if (!panels.isEmpty()) {
            written.add(save(plots.resolve("eval_metrics.png"), panels));
        }
        return written;
    }

    /**
     * {@code plots/offline_success_rate.png}: the success rate of every {@code ./ibc4j eval} recorded in
     * {@code eval/offline.jsonl}, against the step, one series per episode count (the latest eval of a step wins).
     *
     * @return the PNG written
     * @throws IOException if the file cannot be read or has no eval
     */
    public static Path offlineSuccess(Path root) throws IOException {
        Path jsonl = root.resolve("eval").resolve("offline.jsonl");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, java.util.TreeMap<Long, Double>> byEpisodes = new java.util.TreeMap<>();
        for (String l : Files.readAllLines(jsonl)) {
            if (l.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode n = json.readTree(l);
            byEpisodes.computeIfAbsent(n.get("episodes").asInt() + " episodes", k -> new java.util.TreeMap<>())
                    .put(n.get("step").asLong(), n.get("metrics").get("AverageSuccessMetric").asDouble());
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        byEpisodes.forEach((name, points) -> series.put(name, new double[][] {
                points.keySet().stream().mapToDouble(Long::doubleValue).toArray(),
                points.values().stream().mapToDouble(Double::doubleValue).toArray()}));
        if (series.isEmpty()) {
            throw new IOException(jsonl + ": no eval recorded");
        }
        Path png = root.resolve("plots").resolve("offline_success_rate.png");
        Files.createDirectories(png.getParent());
        XYChart c = chart("Success rate (./ibc4j eval)", "step", "success rate", series);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        save(png, List.of(c));
        return png;
    }

    /**
     * One line chart of {@code series} (name to {@code {xs, ys}}, drawn in map order) to {@code png},
     * {@link #WIDTH} x {@link #HEIGHT} pixels.
     */
    public static void line(Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series)
            throws IOException {
        if (series.isEmpty()) {
            throw new IllegalArgumentException(png + ": plot '" + title + "' has no series to draw");
        }
        save(png, List.of(chart(title, xLabel, yLabel, series)));
    }

    /**
     * The points a reader should plot for one tag: when the step goes back (a run resumed from an earlier
     * checkpoint), the earlier points at or after that step are dropped, as TensorBoard's
     * {@code _CheckForOutOfOrderStepAndMaybePurge} does.
     */
    static List<Scalar> latestRun(List<Scalar> points) {
        List<Scalar> kept = new ArrayList<>();
        for (Scalar p : points) {
            if (!kept.isEmpty() && p.step() < kept.get(kept.size() - 1).step()) {
                kept.removeIf(q -> q.step() >= p.step());
            }
            kept.add(p);
        }
        return kept;
    }

    private static Map<String, double[][]> series(Map<String, List<Scalar>> scalars, List<String> tags) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String tag : tags) {
            List<Scalar> points = scalars.get(tag);
            if (points == null || points.isEmpty()) {
                continue;
            }
            List<Scalar> kept = latestRun(points);
            double[] xs = new double[kept.size()];
            double[] ys = new double[kept.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = kept.get(i).step();
                ys[i] = kept.get(i).value();
            }
            out.put(tag, new double[][] {xs, ys});
        }
        return out;
    }

    private static XYChart chart(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        c.getStyler().setLegendVisible(series.size() > 1).setChartBackgroundColor(Color.WHITE);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy.length != 2 || xy[0].length != xy[1].length) {
                throw new IllegalArgumentException("series '" + e.getKey() + "' of plot '" + title
                        + "' must be {xs, ys} of one length, got " + describe(xy));
            }
            XYSeries s = c.addSeries(e.getKey(), xy[0], xy[1]);
            // A lone point (one eval so far) is invisible as a line without its marker.
            s.setMarker(xy[0].length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        return c;
    }

    private static String describe(double[][] xy) {
        StringBuilder b = new StringBuilder(xy.length + " arrays of lengths");
        for (double[] a : xy) {
            b.append(' ').append(a.length);
        }
        return b.toString();
    }

    /**
     * One image of {@code charts}: a grid {@link #PANEL_COLUMNS} wide when more than one, empty cells white
     * (XChart's own grid encoder fails on a grid that is not full).
     */
    private static BufferedImage render(List<XYChart> charts) {
        if (charts.size() == 1) {
            return BitmapEncoder.getBufferedImage(charts.get(0));
        }
        int cols = Math.min(PANEL_COLUMNS, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BufferedImage grid = new BufferedImage(cols * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * WIDTH, (i / cols) * HEIGHT,
                        null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    /** Renders {@code charts} (see {@link #render}) into {@code png} atomically. */
    private static Path save(Path png, List<XYChart> charts) throws IOException {
        Path dir = png.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + png.getFileName() + "-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                if (!ImageIO.write(render(charts), "png", out)) {
                    throw new IOException(png + ": no PNG writer in this JVM's ImageIO");
                }
            }
            try {
                Files.move(tmp, png, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return png;
    }
}
