package ibc4j.environments.particle;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntFunction;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes frames as a looping animated GIF with the JDK's own GIF writer, for {@link ParticleViz} (IBC's
 * {@code ibc/utils/make_video.py} writes MP4 through imageio; a GIF needs no codec).
 *
 * <p>Each frame gets a Graphic Control Extension with the delay, and the first one the NETSCAPE2.0 application
 * extension with loop count 0 (loop forever). All frames share one palette (the JDK writer emits the first
 * frame's as the global colour table and no local ones): the 256 most frequent colours of the first and last
 * frames together, ties broken by RGB value so the output is deterministic, any other colour mapped to the
 * nearest of those. An episode's first and last frames hold nearly every colour of the ones between, and plots
 * are mostly flat colours, so this is exact or nearly so, and much faster than the writer's own quantizer.
 * Frames are drawn one at a time, so a long 16-D episode never holds all of them in memory.
 */
public final class AnimatedGif {
    private AnimatedGif() {
    }

    /** Writes {@code frameCount} frames, {@code frame.apply(i)} for i = 0.., all of one size. */
    public static void write(int frameCount, IntFunction<BufferedImage> frame, int delayCentis, Path path) {
        if (frameCount < 1) {
            throw new IllegalArgumentException("no frames for " + path);
        }
        IndexColorModel palette = palette(frame.apply(0), frame.apply(frameCount - 1));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.deleteIfExists(path);
            try (ImageOutputStream out = ImageIO.createImageOutputStream(path.toFile())) {
                writer.setOutput(out);
                writer.prepareWriteSequence(streamMetadata(writer, palette));
                for (int i = 0; i < frameCount; i++) {
                    BufferedImage indexed = toIndexed(frame.apply(i), palette);
                    IIOMetadata meta = writer.getDefaultImageMetadata(
                            ImageTypeSpecifier.createFromRenderedImage(indexed), writer.getDefaultWriteParam());
                    configure(meta, delayCentis, i == 0);
                    writer.writeToSequence(new IIOImage(indexed, null, meta), null);
                }
                writer.endWriteSequence();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path, e);
        } finally {
            writer.dispose();
        }
    }

    private static int[] opaquePixels(BufferedImage rgb) {
        int[] px = rgb.getRGB(0, 0, rgb.getWidth(), rgb.getHeight(), null, 0, rgb.getWidth());
        for (int i = 0; i < px.length; i++) {
            px[i] &= 0xffffff;
        }
        return px;
    }

    /** The 256 most frequent colours over {@code images} (fewer if they have fewer). */
    static IndexColorModel palette(BufferedImage... images) {
        int[] sorted = new int[0];
        for (BufferedImage image : images) {
            int[] px = opaquePixels(image);
            int old = sorted.length;
            sorted = Arrays.copyOf(sorted, old + px.length);
            System.arraycopy(px, 0, sorted, old, px.length);
        }
        Arrays.sort(sorted);
        int[] colours = new int[sorted.length];
        int[] counts = new int[sorted.length];
        int u = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (u == 0 || colours[u - 1] != sorted[i]) {
                colours[u++] = sorted[i];
            }
            counts[u - 1]++;
        }
        Integer[] order = new Integer[u];
        for (int i = 0; i < u; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Integer.compare(counts[b], counts[a])
                : Integer.compare(colours[a], colours[b]));
        int n = Math.min(256, u);
        int[] rgbs = new int[n];
        for (int i = 0; i < n; i++) {
            rgbs[i] = colours[order[i]];
        }
        return new IndexColorModel(8, n, rgbs, 0, false, -1, DataBuffer.TYPE_BYTE);
    }

    /** {@code rgb} in {@code palette}'s colours, each pixel the nearest palette entry. */
    static BufferedImage toIndexed(BufferedImage rgb, IndexColorModel palette) {
        int[] entries = new int[palette.getMapSize()];
        palette.getRGBs(entries);
        for (int i = 0; i < entries.length; i++) {
            entries[i] &= 0xffffff;
        }
        int[] px = opaquePixels(rgb);
        int[] colours = px.clone();
        Arrays.sort(colours);
        int u = 0;
        for (int i = 0; i < colours.length; i++) {
            if (u == 0 || colours[u - 1] != colours[i]) {
                colours[u++] = colours[i];
            }
        }
        byte[] indexOfColour = new byte[u];
        for (int i = 0; i < u; i++) {
            indexOfColour[i] = (byte) nearest(colours[i], entries);
        }
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED,
                palette);
        byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < px.length; i++) {
            data[i] = indexOfColour[Arrays.binarySearch(colours, 0, u, px[i])];
        }
        return out;
    }

    private static int nearest(int c, int[] palette) {
        int best = 0;
        long bestD = Long.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            int p = palette[i];
            long dr = ((c >> 16) & 255) - ((p >> 16) & 255);
            long dg = ((c >> 8) & 255) - ((p >> 8) & 255);
            long db = (c & 255) - (p & 255);
            long d = dr * dr + dg * dg + db * db;
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    /** Stream metadata whose global colour table is {@code palette} (the writer would otherwise write none). */
    private static IIOMetadata streamMetadata(ImageWriter writer, IndexColorModel palette)
            throws IIOInvalidTreeException {
        IIOMetadata meta = writer.getDefaultStreamMetadata(writer.getDefaultWriteParam());
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode table = child(root, "GlobalColorTable");
        int size = 2;
        while (size < palette.getMapSize()) {
            size *= 2;
        }
        table.setAttribute("sizeOfGlobalColorTable", Integer.toString(size));
        table.setAttribute("backgroundColorIndex", "0");
        table.setAttribute("sortFlag", "FALSE");
        while (table.getFirstChild() != null) {
            table.removeChild(table.getFirstChild());
        }
        for (int i = 0; i < size; i++) {
            int rgb = i < palette.getMapSize() ? palette.getRGB(i) : 0;
            IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
            entry.setAttribute("index", Integer.toString(i));
            entry.setAttribute("red", Integer.toString((rgb >> 16) & 255));
            entry.setAttribute("green", Integer.toString((rgb >> 8) & 255));
            entry.setAttribute("blue", Integer.toString(rgb & 255));
            table.appendChild(entry);
        }
        meta.setFromTree(format, root);
        return meta;
    }

    private static void configure(IIOMetadata meta, int delayCentis, boolean first) throws IIOInvalidTreeException {
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        // Every frame uses the global table; the writer's default local table does not survive setFromTree.
        IIOMetadataNode local = child(root, "LocalColorTable");
        root.removeChild(local);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCentis));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1, loop count 0 (little-endian): forever
            apps.appendChild(app);
        }
        meta.setFromTree(format, root);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
