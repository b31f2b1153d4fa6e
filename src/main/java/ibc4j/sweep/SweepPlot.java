package ibc4j.sweep;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The paper's Fig. 6 for a sweep: success rate against one numeric grid parameter (e.g. {@code ParticleEnv.n_dim}),
 * one line per method (the values of the other axes), each point the mean over the seeds that finished with an
 * evaluation. Written as {@code success_vs_<param>.png} under the sweep root.
 */
public final class SweepPlot {
    static {
        // No display on a cluster's driver; must be set before AWT's first class loads.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private SweepPlot() {}

    /** The x axis: {@code plotX} if given (it must be a numeric axis), else the first axis whose values are numbers. */
    static GridAxis xAxis(List<GridAxis> axes, String plotX) {
        for (GridAxis a : axes) {
            if ((plotX == null || a.param().equals(plotX)) && a.values().stream().allMatch(SweepPlot::numeric)) {
                return a;
            }
        }
        if (plotX != null) {
            throw new IllegalArgumentException("--plot_x " + plotX + " is not a --grid parameter with numeric values");
        }
        return null;
    }

    static boolean numeric(String v) {
        try {
            Double.parseDouble(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Method name to {@code {xs, mean success}}; methods in plan order, x ascending. */
    static Map<String, double[][]> series(GridAxis x, List<SweepSummary.Row> rows) {
        Map<String, TreeMap<Double, List<Double>>> byMethod = new LinkedHashMap<>();
        for (SweepSummary.Row r : rows) {
            List<String> others = new ArrayList<>(r.point().bindings());
            others.removeIf(b -> b.startsWith(x.param() + "="));
            String method = others.isEmpty() ? "success"
                    : String.join(", ", others.stream().map(GridAxis::label).toList());
            TreeMap<Double, List<Double>> m = byMethod.computeIfAbsent(method, k -> new TreeMap<>());
            if (r.result() != null && r.result().done() && r.result().successRate() != null) {
                m.computeIfAbsent(Double.parseDouble(r.point().value(x.param())), k -> new ArrayList<>())
                        .add(r.result().successRate());
            }
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        byMethod.forEach((method, m) -> {
            if (!m.isEmpty()) {
                out.put(method, new double[][] {m.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                        m.values().stream().mapToDouble(l -> l.stream().mapToDouble(d -> d).average().orElse(0))
                                .toArray()});
            }
        });
        return out;
    }

    /** Writes the plot; null (and nothing written) when no axis is numeric or no point has a success rate. */
    public static Path write(SweepLayout layout, List<GridAxis> axes, String plotX, List<SweepSummary.Row> rows)
            throws IOException {
        GridAxis x = xAxis(axes, plotX);
        if (x == null) {
            return null;
        }
        Map<String, double[][]> s = series(x, rows);
        if (s.isEmpty()) {
            return null;
        }
        Path png = layout.root().resolve("success_vs_" + SweepPoint.safe(x.param()) + ".png");
        XYChart c = new XYChartBuilder().width(800).height(500).title("Success rate vs " + x.param()
                + " (mean over seeds)").xAxisTitle(x.param()).yAxisTitle("success rate").build();
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setChartBackgroundColor(Color.WHITE).setLegendVisible(true);
        s.forEach((method, xy) -> c.addSeries(method, xy[0], xy[1]).setMarker(SeriesMarkers.CIRCLE));
        Files.createDirectories(png.getParent());
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp.png");
        BitmapEncoder.saveBitmap(c, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
        return Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
