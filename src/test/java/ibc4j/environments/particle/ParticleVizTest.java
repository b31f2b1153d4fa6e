package ibc4j.environments.particle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

/** {@link ParticleViz}: files are written, non-empty, of the expected size, frame count and looping. */
class ParticleVizTest {

    @TempDir
    Path dir;

    private static ParticleEnv oracleEpisode(int nDim, long seed) {
        return oracleEpisode(ParticleEnv.builder().nDim(nDim).build(), seed);
    }

    private static ParticleEnv oracleEpisode(ParticleEnv env, long seed) {
        env.seed(seed);
        ParticleObservation obs = env.reset();
        ParticleOracle oracle = new ParticleOracle(env);
        boolean first = true;
        while (true) {
            ParticleEnv.Step s = env.step(oracle.action(obs, first));
            first = false;
            obs = s.observation();
            if (s.done()) {
                return env;
            }
        }
    }

    @Test
    void saveImagesWritesIbcsFileNames() throws Exception {
        ParticleEnv env = oracleEpisode(2, 0);
        List<Path> files = ParticleViz.saveImages(env, dir.resolve("imgs"));
        // reset_counter is 2: the constructor's reset and ours.
        assertEquals(List.of(dir.resolve("imgs/000002_2d.png"), dir.resolve("imgs/000002_nd.png")), files);
        BufferedImage top = ImageIO.read(files.get(0).toFile());
        assertEquals(ParticleViz.SIZE_2D, top.getWidth());
        assertEquals(ParticleViz.SIZE_2D, top.getHeight());
        BufferedImage nd = ImageIO.read(files.get(1).toFile());
        assertEquals(ParticleViz.WIDTH_ND, nd.getWidth());
        assertEquals(2 * ParticleViz.PANEL_HEIGHT, nd.getHeight());
        assertTrue(Files.size(files.get(0)) > 1000);
    }

    @Test
    void topViewShowsBothGoalsInTheirColours() {
        ParticleEnv env = ParticleEnv.builder().build();
        env.seed(0L);
        env.reset();
        // Right after a reset only the goals are drawn (IBC drops the one observation that has no action yet).
        BufferedImage img = ParticleViz.render(env);
        ParticleObservation first = env.obsLog().get(0);
        assertEquals(0x008000, pixelAt(img, first.posFirstGoal()), "goal 1 is matplotlib's green 'g'");
        assertEquals(0x0000ff, pixelAt(img, first.posSecondGoal()), "goal 2 is matplotlib's blue 'b'");
        assertEquals(0xffffff, img.getRGB(100, 100) & 0xffffff);
    }

    /** The pixel at a data point: the 400-px plot area sits at a 40-px margin, y upwards. */
    private static int pixelAt(BufferedImage img, float[] p) {
        int x = (int) Math.round(40 + p[0] * 400.0);
        int y = (int) Math.round(40 + 400 - p[1] * 400.0);
        return img.getRGB(x, y) & 0xffffff;
    }

    @Test
    void renderingIsDeterministic() {
        BufferedImage a = ParticleViz.render(oracleEpisode(2, 3));
        BufferedImage b = ParticleViz.render(oracleEpisode(2, 3));
        assertArrayEquals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()));
    }

    @Test
    void gifHasOneLoopingFramePerControlStep() throws Exception {
        Path gif = dir.resolve("episode.gif");
        ParticleEnv env = oracleEpisode(2, 1);
        ParticleViz.writeEpisodeGif(env, gif, 5);
        assertTrue(Files.size(gif) > 1000);
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(51, reader.getNumImages(true), "the reset state plus 50 control steps");
            assertEquals(ParticleViz.SIZE_2D, reader.getWidth(0));
            assertEquals(ParticleViz.SIZE_2D, reader.getHeight(50));
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0)
                    .getAsTree("javax_imageio_gif_image_1.0");
            Node gce = root.getElementsByTagName("GraphicControlExtension").item(0);
            assertEquals("5", gce.getAttributes().getNamedItem("delayTime").getNodeValue());
            IIOMetadataNode app = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) app.getUserObject(), "loop forever");
            // Frames decode to the right colours (the first frame shows only the goals).
            BufferedImage frame0 = reader.read(0);
            assertEquals(0xffffff, frame0.getRGB(100, 100) & 0xffffff);
            assertEquals(0x0000ff, pixelAt(frame0, env.obsLog().get(0).posSecondGoal()));
            reader.dispose();
        }
    }

    @Test
    void nDimensionalEpisodeGetsOnePanelPerDimension() throws Exception {
        // 10-step episodes keep the 1200 x 600 frames of the GIF few.
        ParticleEnv env = oracleEpisode(ParticleEnv.builder().nDim(3).nSteps(10).build(), 0);
        List<Path> files = ParticleViz.saveImages(env, dir);
        assertEquals(1, files.size(), "no top view unless N = 2");
        BufferedImage nd = ImageIO.read(files.get(0).toFile());
        assertEquals(ParticleViz.WIDTH_ND, nd.getWidth());
        assertEquals(3 * ParticleViz.PANEL_HEIGHT, nd.getHeight());
        Path gif = dir.resolve("nd.gif");
        ParticleViz.writeEpisodeGif(env, gif, 5);
        assertTrue(Files.size(gif) > 1000);
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(11, reader.getNumImages(true));
            assertEquals(3 * ParticleViz.PANEL_HEIGHT, reader.getHeight(10));
            reader.dispose();
        }
    }

    @Test
    void mismatchedLogsAreRejectedAsIbcDoes() {
        ParticleEnv env = oracleEpisode(2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParticleViz.render2d(env.obsLog(), env.actLog().subList(0, 10), false));
        assertEquals("Wrong length logs: 501 observations, 10 actions", e.getMessage());
    }
}
