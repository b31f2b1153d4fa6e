package ibc4j.networks.pixel;

import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IBC's image preprocessing; mirrors {@code networks/utils/image_prepro.py} and the {@code convert_image_dtype}
 * of {@code ibc/train/get_normalizers.py} (IBC db89ddb), in float32 and TF's operation order.
 *
 * <pre>
 * uint8 [B, T, H, W, 3] → x·fl32(1/255)  (data pipeline, then the per-pixel StdNormalizationLayer)
 * preprocess: reshape [B, T, H, W, C] → [B, H, W, T·C]   (a reshape, NOT a transpose: TF's memory order is kept)
 *             tf.image.resize(bilinear, half-pixel centers) → [B, th, tw, T·C]
 * </pre>
 * The stacking is IBC's {@code tf.reshape}: the flat buffer is reinterpreted, so channel c of pixel (h, w) of the
 * stack is element {@code h·W·T·C + w·T·C + c} of the [T, H, W, C] block; this is what IBC trains on, kept as is.
 */
public final class ImagePrepro {
    /** {@code 1. / 255} as TF multiplies by it: a Python float64 converted to a float32 tensor. */
    public static final float UINT8_SCALE = (float) (1.0 / 255);

    private ImagePrepro() {}

    /** {@code tf.image.convert_image_dtype(uint8 → float32)}: {@code x · fl32(1/255)} (a multiplication). */
    public static INDArray convertImageDtype(INDArray uint8) {
        INDArray f = uint8.castTo(DataType.FLOAT).dup('c');
        Preconditions.checkArgument(f.minNumber().doubleValue() >= 0 && f.maxNumber().doubleValue() <= 255,
                "convert_image_dtype: uint8 images must hold values in [0, 255]");
        return f.muli(UINT8_SCALE);
    }

    /** {@code stack_images_channelwise}: [B, T, H, W, C] → [B, H, W, T·C], the same c-order buffer. */
    public static INDArray stackImagesChannelwise(INDArray images) {
        Preconditions.checkArgument(images.rank() == 5, "images: expected [B, T, H, W, C], got %s",
                images.shapeInfoToString());
        long[] s = images.shape();
        return images.dup('c').reshape('c', s[0], s[2], s[3], s[1] * s[4]);
    }

    /**
     * {@code image_prepro.preprocess} on float images (the network's input, already converted and normalized):
     * the channel stack, then the bilinear resize to {@code targetHeight × targetWidth}; NHWC as TF.
     */
    public static INDArray preprocess(INDArray images, int targetHeight, int targetWidth) {
        return resizeBilinear(stackImagesChannelwise(images.castTo(DataType.FLOAT)), targetHeight, targetWidth);
    }

    /** {@link #preprocess} transposed to DL4J's NCHW {@code [B, T·C, th, tw]}. */
    public static INDArray preprocessNchw(INDArray images, int targetHeight, int targetWidth) {
        return toNchw(preprocess(images, targetHeight, targetWidth));
    }

    /** NHWC → NCHW, c-order copy. */
    public static INDArray toNchw(INDArray nhwc) {
        return nhwc.permute(0, 3, 1, 2).dup('c');
    }

    /** NCHW → NHWC, c-order copy. */
    public static INDArray toNhwc(INDArray nchw) {
        return nchw.permute(0, 2, 3, 1).dup('c');
    }

    /**
     * {@code tf.image.resize(images, [th, tw])} (ResizeBilinear, {@code half_pixel_centers=True},
     * {@code align_corners=False}, no antialias) on float32 NHWC, with TF's CPU kernel's arithmetic:
     * {@code in = (i + 0.5f)·scale − 0.5f}, {@code scale = in_size / (float) out_size}, lower = max(floor(in), 0),
     * upper = min(ceil(in), in_size − 1), lerp = in − floor(in), and
     * {@code top = tl + (tr − tl)·xl; bottom = bl + (br − bl)·xl; out = top + (bottom − top)·yl}.
     */
    public static INDArray resizeBilinear(INDArray nhwc, int outH, int outW) {
        Preconditions.checkArgument(nhwc.rank() == 4, "resize: expected [B, H, W, C], got %s",
                nhwc.shapeInfoToString());
        Preconditions.checkArgument(outH > 0 && outW > 0, "resize: target size must be positive, got %sx%s",
                outH, outW);
        int b = (int) nhwc.size(0);
        int h = (int) nhwc.size(1);
        int w = (int) nhwc.size(2);
        int c = (int) nhwc.size(3);
        float[] src = nhwc.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] yLo = new int[outH];
        int[] yHi = new int[outH];
        float[] yL = new float[outH];
        weights(h, outH, yLo, yHi, yL);
        int[] xLo = new int[outW];
        int[] xHi = new int[outW];
        float[] xL = new float[outW];
        weights(w, outW, xLo, xHi, xL);
        float[] dst = new float[b * outH * outW * c];
        int o = 0;
        for (int n = 0; n < b; n++) {
            int base = n * h * w * c;
            for (int y = 0; y < outH; y++) {
                int top = base + yLo[y] * w * c;
                int bottom = base + yHi[y] * w * c;
                for (int x = 0; x < outW; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        float tl = src[top + xLo[x] * c + ch];
                        float tr = src[top + xHi[x] * c + ch];
                        float bl = src[bottom + xLo[x] * c + ch];
                        float br = src[bottom + xHi[x] * c + ch];
                        float t = tl + (tr - tl) * xL[x];
                        float bo = bl + (br - bl) * xL[x];
                        dst[o++] = t + (bo - t) * yL[y];
                    }
                }
            }
        }
        return Nd4j.create(dst, new long[] {b, outH, outW, c}, 'c');
    }

    /** TF's {@code compute_interpolation_weights} with the HalfPixelScaler. */
    private static void weights(int inSize, int outSize, int[] lo, int[] hi, float[] lerp) {
        float scale = (float) inSize / (float) outSize;
        for (int i = 0; i < outSize; i++) {
            float in = ((float) i + 0.5f) * scale - 0.5f;
            float inF = (float) Math.floor(in);
            lo[i] = Math.max((int) inF, 0);
            hi[i] = Math.min((int) Math.ceil(in), inSize - 1);
            lerp[i] = in - inF;
        }
    }

    /**
     * IBC's coord-conv channels {@code stack(meshgrid(linspace(-1, 1, H), linspace(-1, 1, W), 'ij'))}: channel 0
     * varies along the height, channel 1 along the width; NCHW {@code [1, 2, H, W]}.
     */
    public static INDArray coordChannels(int height, int width) {
        float[] ys = linspace(height);
        float[] xs = linspace(width);
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 2, height, width);
        float[] d = new float[2 * height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                d[y * width + x] = ys[y];
                d[height * width + y * width + x] = xs[x];
            }
        }
        out.assign(Nd4j.create(d, new long[] {1, 2, height, width}, 'c'));
        return out;
    }

    /**
     * {@code tf.linspace(-1., 1., num)} in float32 as TF 2 computes it ({@code linspace_nd}): the endpoints exact,
     * the interior {@code start + delta·i} with {@code delta = (stop − start) / fl32(num − 1)}.
     */
    public static float[] linspace(int num) {
        float[] out = new float[num];
        if (num == 1) {
            out[0] = -1f;
            return out;
        }
        float delta = 2f / (float) (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = -1f + delta * (float) i;
        }
        out[num - 1] = 1f;
        return out;
    }
}
