package ibc4j.networks.pixel;

import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras spatial soft-argmax; mirrors {@code SpatialSoftmax} in
 * {@code networks/layers/spatial_attention_encoder.py} (IBC db89ddb):
 * <pre>
 * p = softmax(features[b, c, :, :] / temperature) over the H·W positions
 * out[b, 2c] = Σ pos_x·p,  out[b, 2c+1] = Σ pos_y·p      pos_x = linspace(−1, 1, H) along the height,
 *                                                          pos_y = linspace(−1, 1, W) along the width
 * </pre>
 * (IBC names the height coordinate x.) {@code temperature} is one trainable scalar, initialised to 1. NCHW input
 * {@code [B, C, H, W]}: its per-channel H·W rows are IBC's {@code transpose([0, 3, 1, 2])} rows.
 */
public final class SpatialSoftmax extends SameDiffLayer {
    public static final String TEMPERATURE = "temperature";

    private int height;
    private int width;
    private int channels;

    /** For DL4J's JSON configuration round trip. */
    public SpatialSoftmax() {}

    public SpatialSoftmax(int height, int width, int channels) {
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    public int getChannels() {
        return channels;
    }

    public void setChannels(int channels) {
        this.channels = channels;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        float[] ys = ImagePrepro.linspace(height);
        float[] xs = ImagePrepro.linspace(width);
        float[] posX = new float[height * width];
        float[] posY = new float[height * width];
        for (int h = 0; h < height; h++) {
            for (int w = 0; w < width; w++) {
                posX[h * width + w] = ys[h];
                posY[h * width + w] = xs[w];
            }
        }
        SDVariable px = sd.constant("pos_x", Nd4j.create(posX, new long[] {1, height * width}, 'c'));
        SDVariable py = sd.constant("pos_y", Nd4j.create(posY, new long[] {1, height * width}, 'c'));
        SDVariable rows = sd.reshape(input, -1, height * width);
        SDVariable p = sd.nn().softmax(rows.div(params.get(TEMPERATURE)), 1);
        SDVariable ex = sd.sum(p.mul(px), true, 1);
        SDVariable ey = sd.sum(p.mul(py), true, 1);
        return sd.reshape(sd.concat(1, ex, ey), -1, 2L * channels);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(TEMPERATURE, 1, 1);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(TEMPERATURE).assign(1.0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(2L * channels);
    }
}
