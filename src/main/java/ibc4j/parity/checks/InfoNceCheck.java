package ibc4j.parity.checks;

import ibc4j.losses.EbmLoss;
import ibc4j.parity.Golden;
import ibc4j.parity.ParityCheck;
import ibc4j.parity.TensorResult;
import ibc4j.parity.Tolerance;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link EbmLoss#infoNce} against {@code ibc/losses/ebm_loss.py:info_nce} on TF's own predictions. */
public final class InfoNceCheck implements ComponentCheck {
    @Override
    public String component() {
        return "info_nce";
    }

    @Override
    public List<TensorResult> run(Golden g) {
        INDArray predictions = g.tensor("predictions");
        EbmLoss.InfoNce r = EbmLoss.infoNce(predictions, (float) g.doubleParam("softmax_temperature"), 1f);
        return List.of(
                TensorResult.compare(g, "softmax", r.probabilities(), Tolerance.of(1e-8, 2e-6,
                        "exp and divide in float32: a few ulps (1.2e-7 each) relative; tiny probabilities need atol")),
                TensorResult.compare(g, "per_example_loss", r.perExampleLoss(), Tolerance.of(1e-6, 2e-6,
                        "sum of n+1 float32 terms y·log(y/p) of size ~1 to 16: ~4 ulps of the result")));
    }
}
