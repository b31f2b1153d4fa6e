package ibc4j.networks.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A running {@link KerasNorm}. A training call of Batch normalizes with the batch's statistics and moves the
 * moving averages (once per call, as Keras' eager {@code assign_sub} does); an inference call of Batch uses the
 * moving statistics and changes nothing. Layer is the same in both modes. Backprop differentiates the last call in
 * the mode it ran. Float32 graphs compute in float32 (each operation rounded), float64 graphs in float64.
 */
public final class KerasNormLayer extends BaseLayer<KerasNorm> {
    private boolean lastTraining;

    KerasNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean f32() {
        return dataType != DataType.DOUBLE;
    }

    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private KerasNormMath.Stats stats(boolean training, double[] x, int n, int w) {
        KerasNorm c = layerConf();
        double[] mm = c.isBatch() ? values(getParam(KerasNormParams.MOVING_MEAN)) : null;
        double[] mv = c.isBatch() ? values(getParam(KerasNormParams.MOVING_VARIANCE)) : null;
        return KerasNormMath.stats(c.isBatch(), training, x, n, w, mm, mv, c.epsilon(), f32());
    }

    private int[] shape() {
        if (input.rank() != 2 || input.size(1) != layerConf().getNIn()) {
            throw new IllegalArgumentException(layerConf().getLayerName() + ": expected [n, " + layerConf().getNIn()
                    + "], got " + java.util.Arrays.toString(input.shape()));
        }
        return new int[] {(int) input.size(0), (int) input.size(1)};
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        int[] nw = shape();
        KerasNorm c = layerConf();
        double[] x = values(input);
        KerasNormMath.Stats s = stats(training, x, nw[0], nw[1]);
        double[] y = KerasNormMath.normalize(c.isBatch(), s, x, nw[0], nw[1], values(getParam(KerasNormParams.GAMMA)),
                values(getParam(KerasNormParams.BETA)), f32());
        if (training && c.isBatch()) {
            move(KerasNormParams.MOVING_MEAN, s.mean());
            move(KerasNormParams.MOVING_VARIANCE, s.var());
        }
        lastTraining = training;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, nw[0], nw[1]);
        return out.assign(Nd4j.create(y, new long[] {nw[0], nw[1]}, DataType.DOUBLE));
    }

    private void move(String key, double[] batchStat) {
        INDArray p = getParam(key);
        double[] m = values(p);
        KerasNormMath.updateMoving(m, batchStat, KerasNorm.BATCH_DECAY, f32());
        p.assign(Nd4j.create(m, p.shape(), DataType.DOUBLE));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        int[] nw = shape();
        KerasNorm c = layerConf();
        double[] x = values(input);
        double[] gamma = values(getParam(KerasNormParams.GAMMA));
        // The statistics of the call being differentiated, recomputed without moving anything.
        KerasNormMath.Stats s = stats(lastTraining, x, nw[0], nw[1]);
        boolean throughStats = !c.isBatch() || lastTraining;
        KerasNormMath.Backward b = KerasNormMath.backward(c.isBatch(), throughStats, s, x, values(epsilon),
                nw[0], nw[1], gamma, f32());
        Gradient g = new DefaultGradient();
        put(g, KerasNormParams.GAMMA, b.dGamma());
        put(g, KerasNormParams.BETA, b.dBeta());
        if (c.isBatch()) {
            for (String k : new String[] {KerasNormParams.MOVING_MEAN, KerasNormParams.MOVING_VARIANCE}) {
                INDArray v = gradientViews.get(k);
                v.assign(0);
                g.gradientForVariable().put(k, v);
            }
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, nw[0], nw[1]);
        dx.assign(Nd4j.create(b.dx(), new long[] {nw[0], nw[1]}, DataType.DOUBLE));
        return new Pair<>(g, dx);
    }

    private void put(Gradient g, String key, double[] values) {
        INDArray v = gradientViews.get(key);
        v.assign(Nd4j.create(values, v.shape(), DataType.DOUBLE));
        g.gradientForVariable().put(key, v);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }
}
