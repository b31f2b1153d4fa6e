package ibc4j.environments.particle;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Pictures of a particle episode in the style of IBC's {@code environments/particle/particle_viz.py}, drawn with
 * Java2D instead of matplotlib (same elements and colours, not the same pixels).
 *
 * <p>{@link #render2d} is {@code visualize_2d}: the unit square seen from above, goal 1 as a green and goal 2 as a
 * blue disc of radius 0.01, every substep's setpoint as a faint red x, and the agent's path as black dotted
 * segments whose opacity grows with time ({@code alpha = i / len}). {@link #renderNd} is {@code visualize_nd}: one
 * panel per dimension, position against substep index, agent black, goals green and blue, setpoints red x. As in
 * IBC, when the observation log is one longer than the action log its last entry is not drawn.
 */
public final class ParticleViz {
    /** Side of the {@link #render2d} image in pixels (matplotlib's square axes, a bit larger). */
    public static final int SIZE_2D = 480;
    /** Width of the {@link #renderNd} image; its height is {@link #PANEL_HEIGHT} per dimension (figsize 12 x 2N). */
    public static final int WIDTH_ND = 1200;
    public static final int PANEL_HEIGHT = 200;

    private static final Color GOAL1 = new Color(0, 128, 0); // matplotlib 'g'
    private static final Color GOAL2 = new Color(0, 0, 255); // matplotlib 'b'
    private static final Color SETPOINT = new Color(255, 0, 0, 26); // 'red', alpha 0.1
    private static final int MARGIN = 40;

    private ParticleViz() {
    }

    /** {@code ParticleEnv.render()}: the 2-D picture when N = 2, else the per-dimension one, of the env's logs. */
    public static BufferedImage render(ParticleEnv env) {
        return env.nDim() == 2 ? render2d(env.obsLog(), env.actLog(), false) : renderNd(env.obsLog(), env.actLog(),
                false, null);
    }

    /** {@code visualize_2d(obs_log, act_log, last_big=lastBig)}; requires N = 2. */
    public static BufferedImage render2d(List<ParticleObservation> obsLog, List<float[]> actLog, boolean lastBig) {
        List<ParticleObservation> obs = drawnObservations(obsLog, actLog);
        if (obsLog.get(0).nDim() != 2) {
            throw new IllegalArgumentException("visualize_2d needs n_dim 2, got " + obsLog.get(0).nDim());
        }
        int side = SIZE_2D - 2 * MARGIN;
        BufferedImage img = canvas(SIZE_2D, SIZE_2D);
        Graphics2D g = graphics(img);
        g.clipRect(MARGIN, MARGIN, side, side);
        Frame f = new Frame(MARGIN, MARGIN, side, side, 0, 1, 0, 1);
        ParticleObservation first = obsLog.get(0);
        disc(g, f, first.posFirstGoal()[0], first.posFirstGoal()[1], 0.01, GOAL1);
        disc(g, f, first.posSecondGoal()[0], first.posSecondGoal()[1], 0.01, GOAL2);
        if (!obs.isEmpty()) {
            g.setColor(SETPOINT);
            for (float[] a : actLog) {
                cross(g, f.px(a[0]), f.py(a[1]));
            }
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {1.5f, 2.5f}, 0f));
            for (int i = 0; i < obs.size() - 1; i++) {
                g.setColor(new Color(0f, 0f, 0f, (float) i / obs.size()));
                float[] p = obs.get(i).posAgent();
                float[] q = obs.get(i + 1).posAgent();
                g.draw(new Line2D.Double(f.px(p[0]), f.py(p[1]), f.px(q[0]), f.py(q[1])));
            }
            if (lastBig) {
                float[] p = obs.get(obs.size() - 1).posAgent();
                float[] a = actLog.get(actLog.size() - 1);
                g.setColor(Color.BLACK);
                g.fill(new Ellipse2D.Double(f.px(p[0]) - 4, f.py(p[1]) - 4, 8, 8));
                g.setColor(Color.RED);
                cross(g, f.px(a[0]), f.py(a[1]));
            }
        }
        g.setClip(null);
        axes(g, f, "", "", 5);
        g.dispose();
        return img;
    }

    /**
     * {@code visualize_nd(obs_log, act_log, last_big=lastBig)}: one panel per dimension.
     *
     * @param fixedRange when non-null, {xMax, yMin, yMax} for every panel (keeps animation frames steady);
     *     when null each panel fits its data as matplotlib's autoscale does (5% margins)
     */
    public static BufferedImage renderNd(List<ParticleObservation> obsLog, List<float[]> actLog, boolean lastBig,
                                         double[] fixedRange) {
        List<ParticleObservation> obs = drawnObservations(obsLog, actLog);
        int dims = obsLog.get(0).nDim();
        BufferedImage img = canvas(WIDTH_ND, PANEL_HEIGHT * dims);
        Graphics2D g = graphics(img);
        for (int dim = 0; dim < dims; dim++) {
            final int d = dim;
            double[] r = fixedRange != null ? fixedRange : autoRange(obs, actLog, d);
            Frame f = new Frame(2 * MARGIN, dim * PANEL_HEIGHT + 10, WIDTH_ND - 3 * MARGIN, PANEL_HEIGHT - 50,
                    0, r[0], r[1], r[2]);
            g.setClip(f.left, f.top, f.width, f.height);
            if (!actLog.isEmpty()) {
                g.setStroke(new BasicStroke(1.5f));
                series(g, f, obs, o -> o.posAgent()[d], Color.BLACK);
                series(g, f, obs, o -> o.posFirstGoal()[d], GOAL1);
                series(g, f, obs, o -> o.posSecondGoal()[d], GOAL2);
                g.setColor(SETPOINT);
                for (int t = 0; t < obs.size() && t < actLog.size(); t++) {
                    cross(g, f.px(t), f.py(actLog.get(t)[d]));
                }
                if (lastBig && !obs.isEmpty()) {
                    ParticleObservation last = obs.get(obs.size() - 1);
                    int t = obs.size();
                    g.setColor(Color.BLACK);
                    g.fill(new Ellipse2D.Double(f.px(t) - 4, f.py(last.posAgent()[d]) - 4, 8, 8));
                    g.setColor(Color.RED);
                    cross(g, f.px(t), f.py(actLog.get(actLog.size() - 1)[d]));
                }
            }
            g.setClip(null);
            axes(g, f, "time", "position", 4);
        }
        g.dispose();
        return img;
    }

    /** Writes a PNG, creating parent folders. */
    public static void writePng(BufferedImage img, Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            if (!ImageIO.write(img, "png", path.toFile())) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path, e);
        }
    }

    /**
     * {@code ParticleEnv.save_image} at an episode's end: {@code <reset_counter:06d>_2d.png} (N = 2 only) and
     * {@code <reset_counter:06d>_nd.png} in {@code imgDir}. Returns the files written.
     */
    public static List<Path> saveImages(ParticleEnv env, Path imgDir) {
        List<Path> written = new ArrayList<>();
        String stem = String.format(Locale.ROOT, "%06d", env.resetCounter());
        if (env.nDim() == 2) {
            Path p = imgDir.resolve(stem + "_2d.png");
            writePng(render2d(env.obsLog(), env.actLog(), false), p);
            written.add(p);
        }
        Path p = imgDir.resolve(stem + "_nd.png");
        writePng(renderNd(env.obsLog(), env.actLog(), false, null), p);
        written.add(p);
        return written;
    }

    /**
     * The env's current episode as a looping animated GIF, one frame per control step (plus the reset state),
     * each frame drawn from the logs up to that step; {@code delayCentis} hundredths of a second per frame
     * (5 plays it in real time: control runs at 20 Hz).
     */
    public static void writeEpisodeGif(ParticleEnv env, Path path, int delayCentis) {
        List<ParticleObservation> obsLog = env.obsLog();
        List<float[]> actLog = env.actLog();
        List<Integer> starts = new ArrayList<>(env.newActions());
        starts.add(actLog.size());
        double[] range = env.nDim() == 2 ? null : fixedRange(obsLog, actLog);
        AnimatedGif.write(starts.size(), i -> {
            int acts = starts.get(i);
            List<ParticleObservation> o = obsLog.subList(0, Math.min(acts + 1, obsLog.size()));
            List<float[]> a = actLog.subList(0, acts);
            return env.nDim() == 2 ? render2d(o, a, acts > 0) : renderNd(o, a, acts > 0, range);
        }, delayCentis, path);
    }

    private static List<ParticleObservation> drawnObservations(List<ParticleObservation> obsLog, List<float[]> act) {
        if (obsLog.size() == act.size()) {
            return obsLog;
        }
        if (obsLog.size() == act.size() + 1) {
            return obsLog.subList(0, obsLog.size() - 1);
        }
        throw new IllegalArgumentException("Wrong length logs: " + obsLog.size() + " observations, " + act.size()
                + " actions");
    }

    private static double[] autoRange(List<ParticleObservation> obs, List<float[]> act, int d) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < obs.size(); t++) {
            ParticleObservation o = obs.get(t);
            for (float v : new float[] {o.posAgent()[d], o.posFirstGoal()[d], o.posSecondGoal()[d]}) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (t < act.size()) {
                lo = Math.min(lo, act.get(t)[d]);
                hi = Math.max(hi, act.get(t)[d]);
            }
        }
        if (!(hi > lo)) {
            lo = Double.isFinite(lo) ? lo - 0.5 : 0;
            hi = lo + 1;
        }
        double pad = 0.05 * (hi - lo);
        return new double[] {Math.max(1, obs.size() - 1) * 1.05, lo - pad, hi + pad};
    }

    private static double[] fixedRange(List<ParticleObservation> obsLog, List<float[]> actLog) {
        double[] all = {0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int d = 0; d < obsLog.get(0).nDim(); d++) {
            double[] r = autoRange(drawnObservations(obsLog, actLog), actLog, d);
            all = new double[] {r[0], Math.min(all[1], r[1]), Math.max(all[2], r[2])};
        }
        return all;
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    private static void disc(Graphics2D g, Frame f, double x, double y, double r, Color c) {
        double rx = r * f.width / (f.xMax - f.xMin);
        g.setColor(c);
        g.fill(new Ellipse2D.Double(f.px(x) - rx, f.py(y) - rx, 2 * rx, 2 * rx));
    }

    private static void cross(Graphics2D g, double x, double y) {
        g.setStroke(new BasicStroke(1.5f));
        g.draw(new Line2D.Double(x - 5, y - 5, x + 5, y + 5));
        g.draw(new Line2D.Double(x - 5, y + 5, x + 5, y - 5));
    }

    private static void series(Graphics2D g, Frame f, List<ParticleObservation> obs,
                               ToDoubleFunction<ParticleObservation> value, Color c) {
        g.setColor(c);
        for (int t = 0; t + 1 < obs.size(); t++) {
            g.draw(new Line2D.Double(f.px(t), f.py(value.applyAsDouble(obs.get(t))), f.px(t + 1),
                    f.py(value.applyAsDouble(obs.get(t + 1)))));
        }
    }

    private static void axes(Graphics2D g, Frame f, String xLabel, String yLabel, int ticks) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(f.left, f.top, f.width, f.height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= ticks; i++) {
            double x = f.xMin + (f.xMax - f.xMin) * i / ticks;
            double y = f.yMin + (f.yMax - f.yMin) * i / ticks;
            g.drawString(tick(x), (float) f.px(x) - 10, f.top + f.height + 14);
            g.drawString(tick(y), f.left - 36, (float) f.py(y) + 4);
        }
        g.drawString(xLabel, f.left + f.width / 2f - 12, f.top + f.height + 28);
        g.drawString(yLabel, 4, f.top + 12);
    }

    /** Three significant digits without trailing zeros: 0, 0.2, 1, 0.537, 131. */
    private static String tick(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A plot area in pixels and the data range it shows (y grows upwards). */
    private record Frame(int left, int top, int width, int height, double xMin, double xMax, double yMin,
                         double yMax) {
        double px(double x) {
            return left + (x - xMin) / (xMax - xMin) * width;
        }

        double py(double y) {
            return top + height - (y - yMin) / (yMax - yMin) * height;
        }
    }
}
