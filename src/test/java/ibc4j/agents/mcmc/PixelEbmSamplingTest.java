package ibc4j.agents.mcmc;

import ibc4j.runtime.NoiseSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.networks.MLPEBM;
import ibc4j.networks.pixel.DenseResnetValue;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.parity.Golden;
import ibc4j.parity.GoldenManifest;
import ibc4j.parity.TensorSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Langevin and DFO over PixelEBM through the DL4J graph path (encoder once, value graph's ∂f/∂a per step). */
class PixelEbmSamplingTest {
    private static final Path GOLDEN = Path.of(System.getProperty("ibc4j.golden", "golden"));

    private static Golden golden() {
        return GoldenManifest.load(GOLDEN).golden("pixel_ebm_forward", "small3d");
    }

    private static PixelEBM goldenNet(Golden g) {
        PixelEBM net = PixelEBM.create(new PixelEBM.ImageSpec(2, g.intParam("raw_height"), g.intParam("raw_width"),
                3), 2, g.intParam("target_height"), g.intParam("target_width"), new DenseResnetValue(
                g.intParam("value_width"), g.intParam("value_num_blocks")), 0);
        Map<String, INDArray> w = new LinkedHashMap<>();
        for (TensorSpec t : g.tensorsWithRole("weight")) {
            w.put(t.name(), g.tensor(t.name()).castTo(DataType.FLOAT));
        }
        net.setParams(w);
        return net;
    }

    private static Object langevin(Object net, INDArray obs, INDArray init, int n, double noiseScale, int k,
                                   boolean lateFusion) {
        return langevin(net, obs, init, n, noiseScale, k, lateFusion, NoiseSource.nd4jGlobal());
    }

    private static Object langevin(Object net, INDArray obs, INDArray init, int n, double noiseScale, int k,
                                   boolean lateFusion, NoiseSource noise) {
        return Mcmc.langevin(net, obs, init, -1.0, 1.0, false, lateFusion,
                new LangevinConfig(k, 0.1, 0.8, noiseScale, null, 0.1, true, 1e-5, 2.0, true, "inf"), noise);
    }

    @Test
    void oneLangevinStepUsesTensorFlowsGradient() {
        Golden g = golden();
        PixelEBM net = goldenNet(g);
        INDArray tiled = PixelEBM.tileBatch(g.tensor("encoding"), g.intParam("num_action_samples"));
        INDArray actions = g.tensor("actions");
        LangevinConfig cfg = new LangevinConfig(1, 0.1, 0.8, 1.0, null, 0.1, true, 1e-5, 2.0, false, "inf");
        Mcmc.Step step = Mcmc.langevinStep(PixelEbmSampling.actionGradient(net, tiled), actions,
                Nd4j.zeros(DataType.FLOAT, actions.shape()), 0.1f, cfg, new float[] {-1, -1}, new float[] {1, 1});
        // The pixel_ebm_forward parity row bounds this gradient by ~2.5e-7 (float32 backward chain); 1e-6 here.
        INDArray diff = step.deDact().sub(g.tensor("de_dact")).reshape(-1);
        assertTrue(diff.amaxNumber().doubleValue() < 1e-6, "de_dact differs from TF by " + diff.amaxNumber());
        INDArray e = step.energies().sub(g.tensor("energy"));
        assertTrue(e.amaxNumber().doubleValue() < 1e-5, "energies differ from TF by " + e.amaxNumber());
    }

    @Test
    void lateFusionEncodesOnceAndEqualsTheTiledChain() {
        Golden g = golden();
        PixelEBM net = goldenNet(g);
        INDArray rgb = g.tensor("rgb");
        int n = g.intParam("num_action_samples");
        INDArray init = g.tensor("actions");
        Mcmc.Result late;
        late = (Mcmc.Result) langevin(net, rgb, init, n, 1.0, 5, true, NoiseSource.seeded(7));
        // IBC without late fusion: observations tiled first, every row encoded.
        long[] shape = rgb.shape();
        INDArray tiledObs = rgb.reshape(shape[0], 1, shape[1] * shape[2] * shape[3] * shape[4]).repeat(1, n)
                .reshape(shape[0] * n, shape[1], shape[2], shape[3], shape[4]);
        Mcmc.Result early;
        early = (Mcmc.Result) langevin(net, tiledObs, init, n, 1.0, 5, false, NoiseSource.seeded(7));
        assertArrayEquals(new long[] {init.size(0), 2}, late.actions().shape());
        assertEquals(early.actions(), late.actions());
        assertTrue(late.actions().amaxNumber().doubleValue() <= 1.0);
    }

    @Test
    void noiselessLangevinClimbsTheEnergy() {
        Golden g = golden();
        PixelEBM net = goldenNet(g);
        INDArray rgb = g.tensor("rgb");
        int n = g.intParam("num_action_samples");
        INDArray init = g.tensor("actions");
        Mcmc.Result r = (Mcmc.Result) langevin(net, rgb, init, n, 0.0, 10, true);
        double before = net.energies(rgb, init).meanNumber().doubleValue();
        double after = net.energies(rgb, r.actions()).meanNumber().doubleValue();
        assertTrue(after > before, "mean energy " + before + " -> " + after);
        INDArray first = r.chain().energies().slice(0);
        assertTrue(first.sub(net.energies(rgb, init)).amaxNumber().doubleValue() < 1e-6,
                "the chain records f at each step's input");
    }

    @Test
    void dfoOverPixelEbm() {
        Golden g = golden();
        PixelEBM net = goldenNet(g);
        INDArray rgb = g.tensor("rgb");
        int n = g.intParam("num_action_samples");
        Dfo.Result r = PixelEbmSampling.iterativeDfo(net, rgb, g.tensor("actions"), n, new float[] {-1, -1},
                new float[] {1, 1}, 1.0f, 3, 0.33f, NoiseSource.seeded(3));
        INDArray p = r.probabilities().reshape(rgb.size(0), n).sum(1);
        for (int b = 0; b < rgb.size(0); b++) {
            assertEquals(1.0, p.getDouble(b), 1e-6);
        }
        assertArrayEquals(g.tensor("actions").shape(), r.actions().shape());
        assertTrue(r.actions().amaxNumber().doubleValue() <= 1.0);
    }

    @Test
    void lateFusionWithAnMlpEbmIsRefusedByName() {
        MLPEBM mlp = MLPEBM.create(MLPEBM.Config.particle().withWidth(8), 4, 2, 0);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> langevin(mlp,
                Nd4j.zeros(DataType.FLOAT, 2, 4), Nd4j.zeros(DataType.FLOAT, 2, 2), 1, 1.0, 2, true));
        assertTrue(e.getMessage().contains("late_fusion=True needs PixelEBM") && e.getMessage().contains("MLPEBM"),
                e.getMessage());
    }
}
