package ibc4j.parity.checks;

import ibc4j.data.TrajectoryCodec;
import ibc4j.data.TrajectoryStep;
import ibc4j.parity.Golden;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parity of the JPEG image features IBC's collection writes ({@code TFRecordObserver(compress_image=True)}) and its
 * dataset reads ({@code tf.io.decode_jpeg}): the golden records decoded by ibc4j ({@code data.JpegImages}, the JDK's
 * libjpeg) against TF with the accurate integer IDCT (exact) and with TF's default fast one (bounded).
 */
public final class JpegImageRecordsCheck implements ComponentCheck {
    private static final Tolerance EXACT = Tolerance.exact("the same libjpeg integer code: ISLOW IDCT, fancy "
            + "upsampling, YCbCr tables");
    private static final Tolerance IFAST = Tolerance.of(15, 0, "TF's default dct_method is JDCT_IFAST (8-bit "
            + "fixed-point IDCT), the JDK has ISLOW only: a measured bound on these images (max 15), not a derived one");

    @Override
    public String component() {
        return "jpeg_image_records";
    }

    @Override
    public List<TensorResult> run(Golden g) throws Exception {
        List<TrajectoryStep> steps = TrajectoryCodec.readAll(g.file("tfrecord"));
        List<TensorResult> out = new ArrayList<>();
        for (String key : new String[] {"rgb", "gray"}) {
            long[] shape = g.tensor("islow_" + key).shape();
            float[] all = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
            int per = all.length / steps.size();
            for (int i = 0; i < steps.size(); i++) {
                System.arraycopy(steps.get(i).observation(key), 0, all, i * per, per);
            }
            INDArray ours = Nd4j.create(all, shape, 'c').castTo(DataType.INT);
            out.add(TensorResult.compare(g, "islow_" + key, ours, EXACT));
            out.add(TensorResult.compare(g, "decoded_" + key, ours, IFAST));
        }
        return out;
    }
}
