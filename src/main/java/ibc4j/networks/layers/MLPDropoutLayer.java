package ibc4j.networks.layers;

import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * A plain MLP with dropout; mirrors {@code MLPDropoutLayer} in {@code networks/layers/mlp_dropout.py}
 * (IBC db89ddb).
 *
 * <pre>
 * per layer l: h = drop(act(dense_l(h)))        activation inside the Dense, no projection, no skip
 * </pre>
 * Dense layer names: {@code dense0 … dense<depth-1>}.
 */
public final class MLPDropoutLayer extends TrunkLayer {
    public MLPDropoutLayer(int width, int depth, double rate, String activation) {
        super(width, depth, rate, activation);
    }

    @Override
    public List<String> denseNames() {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            names.add("dense" + l);
        }
        return names;
    }

    @Override
    public String addTo(GraphBuilder gb, String input, int nIn) {
        String x = input;
        for (int l = 0; l < depth; l++) {
            gb.addLayer("dense" + l, dense(l == 0 ? nIn : width, width, dl4jActivation()), x);
            x = dropout(gb, "dropout" + l, "dense" + l);
        }
        return x;
    }
}
