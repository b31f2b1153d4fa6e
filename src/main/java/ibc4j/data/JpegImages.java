package ibc4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * The JPEG image features of tf-agents' {@code example_encoding} with {@code compress_image=True}, which IBC's
 * collection writes ({@code data/policy_eval.py}) and its dataset reads ({@code data/dataset.py}): every uint8
 * {@code [h, w, c]} leaf (c = 1 or 3) as one JPEG in a {@code bytes_list}, written by PIL at quality 95 and read
 * by {@code tf.io.decode_jpeg}. Here both ways go through the JDK's JPEG codec (javax.imageio, IJG libjpeg 6b).
 *
 * <p>Decoding: libjpeg's integer IDCT and fancy upsampling, as TF's libjpeg-turbo defaults; measured against
 * {@code tf.io.decode_jpeg} on IBC-written bytes in {@code JpegImagesTest}. Encoding: libjpeg's quality-95
 * quantization tables (PIL's), the standard Huffman tables (PIL's without {@code optimize}), 4:2:0 chroma
 * subsampling for RGB (PIL's default); the same test compares the result with PIL's.
 */
public final class JpegImages {
    /** tf-agents' {@code image_quality} default, which IBC's collection keeps. */
    public static final int IBC_QUALITY = 95;
    private static final String NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

    private JpegImages() {}

    /** Whether {@code bytes} starts with the JPEG start-of-image marker and a marker after it (FF D8 FF). */
    public static boolean isJpeg(byte[] bytes) {
        return bytes.length >= 4 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8
                && (bytes[2] & 0xff) == 0xff;
    }

    /**
     * Whether a uint8 {@code [h, w, c]} feature of {@code size} elements holding {@code bytes} is a JPEG rather
     * than raw pixels: it starts like one and either its length is not the raw size or it ends with the
     * end-of-image marker (FF D9). A raw image that starts with pixels (255, 216, 255) and ends with (255, 217)
     * at exactly the raw size would be misread; no such case is known.
     */
    public static boolean isJpegFeature(byte[] bytes, int size) {
        if (!isJpeg(bytes)) {
            return false;
        }
        int n = bytes.length;
        return n != size || ((bytes[n - 2] & 0xff) == 0xff && (bytes[n - 1] & 0xff) == 0xd9);
    }

    /**
     * {@code tf.io.decode_jpeg(bytes)} (channels=0: the JPEG's own) checked against {@code shape}.
     *
     * @return the pixels, C-order {@code [h, w, c]}
     * @throws IllegalArgumentException if the bytes are not a readable JPEG or their size or channels differ
     */
    public static int[] decode(byte[] bytes, int[] shape) {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a decodable JPEG (" + bytes.length + " bytes): " + e.getMessage(),
                    e);
        }
        WritableRaster r = img.getRaster();
        int h = shape[0];
        int w = shape[1];
        int c = shape[2];
        if (img.getHeight() != h || img.getWidth() != w || r.getNumBands() != c) {
            throw new IllegalArgumentException("JPEG of " + img.getHeight() + "x" + img.getWidth() + "x"
                    + r.getNumBands() + ", spec " + Arrays.toString(shape));
        }
        return r.getPixels(0, 0, w, h, new int[h * w * c]); // band order R, G, B (or the one gray band)
    }

    /**
     * tf-agents' {@code _encode_to_jpeg_bytes_list}: {@code Image.fromarray(value).save(format='jpeg',
     * quality=quality)} for a uint8 {@code [h, w, c]} image, c = 1 or 3.
     */
    public static byte[] encode(int[] pixels, int[] shape, int quality) {
        int h = shape[0];
        int w = shape[1];
        int c = shape[2];
        if (shape.length != 3 || (c != 1 && c != 3) || pixels.length != h * w * c) {
            throw new IllegalArgumentException("a JPEG image is [h, w, 1] or [h, w, 3]; got shape "
                    + Arrays.toString(shape) + " with " + pixels.length + " values");
        }
        BufferedImage img = new BufferedImage(w, h, c == 3 ? BufferedImage.TYPE_3BYTE_BGR
                : BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setPixels(0, 0, w, h, pixels);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            // ImageIO's own quality mapping scales the tables in float and rounds x.5 down where libjpeg's
            // jpeg_set_quality (PIL) rounds up: the tables go into the stream's DQT metadata as libjpeg scales them.
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
            IIOMetadataNode tree = (IIOMetadataNode) meta.getAsTree(NATIVE_FORMAT);
            NodeList tables = tree.getElementsByTagName("dqtable");
            for (int i = 0; i < tables.getLength(); i++) {
                IIOMetadataNode t = (IIOMetadataNode) tables.item(i);
                boolean luminance = Integer.parseInt(t.getAttribute("qtableId")) == 0;
                t.setUserObject(ijgTable(luminance ? JPEGQTable.K1Luminance : JPEGQTable.K2Chrominance, quality));
            }
            meta.setFromTree(NATIVE_FORMAT, tree);
            writer.write(null, new IIOImage(img, null, meta), null);
        } catch (IOException e) {
            throw new IllegalStateException("JPEG encoding failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** libjpeg's {@code jpeg_add_quant_table} at {@code jpeg_quality_scaling(quality)}, baseline (≤ 255). */
    static JPEGQTable ijgTable(JPEGQTable base, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be in 1..100, got " + quality);
        }
        int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
        int[] t = base.getTable(); // natural order, IJG's K.1 / K.2 tables
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.min(255, Math.max(1, (t[i] * scale + 50) / 100));
        }
        return new JPEGQTable(t);
    }
}
