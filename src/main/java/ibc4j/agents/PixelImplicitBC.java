package ibc4j.agents;

import ibc4j.agents.mcmc.LangevinConfig;
import ibc4j.agents.mcmc.Mcmc;
import ibc4j.agents.mcmc.PixelEbmSampling;
import ibc4j.losses.ChainData;
import ibc4j.losses.EbmLoss;
import ibc4j.losses.GradientLoss;
import ibc4j.networks.pixel.DenseResnetGradPenalty;
import ibc4j.networks.pixel.PixelEBM;
import ibc4j.optimizers.KerasAdam;
import ibc4j.runtime.NoiseSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One {@code ImplicitBCAgent._train} step over a {@link PixelEBM} with {@code late_fusion=True}, as IBC's pixel
 * EBM configs run it (IBC db89ddb, {@code ibc/agents/ibc_agent.py}, {@code ibc/losses/gradient_loss.py}):
 * <pre>
 * uniform  = n actions per example in the sampling bounds                               [B·n, A]
 * langevin = langevin_actions_given_obs(encode(obs) once, tiled n; uniform)             (fraction_langevin_samples)
 * counter  = uniform columns | Langevin columns, as IBC splits them                     [B, n, A]
 * combined = concat([counter, true], 1)                                                 [B·(n+1)], true action last
 * f        = value(tile_batch(encode(obs), n+1), combined)     the encoder runs once per observation
 * loss_b   = info_nce(f / T)_b + grad_penalty_b;  total = Σ_b loss_b / B;  Adam on every weight
 * </pre>
 * The chain runs on fixed weights and IBC stop-gradients its output (per step and again before the loss), so
 * {@code run_full_chain_under_gradient} changes no gradient with {@code only_apply_final_grad_penalty=True} (the
 * chain's energies and norms only feed summaries). IBC's agent hands the chain the un-tiled observations with
 * {@code late_fusion} either way; with {@code langevin_actions_given_obs.late_fusion=False} PixelEBM.call encodes
 * and tiles them itself at every step, the same values: the chain here always encodes once.
 *
 * <p>The penalty ({@code only_apply_final_grad_penalty=True}, pixel_ebm_langevin.gin): norms of ∂f/∂a at all
 * B·(n+1) combined actions, ∞-norm, squared hinge at {@code grad_margin}. Its parameter gradient is TF's double
 * backprop, derived by hand in {@link DenseResnetGradPenalty}: value-network kernels only (biases and the encoder
 * get exact zeros, although TF's tape sees the encoding).
 */
public final class PixelImplicitBC {
    /**
     * The agent's settings (IBC's constructor parameters and the gin functions' bindings, resolved once).
     *
     * @param langevin {@code langevin_actions_given_obs} (return_chain = return_full_chain, the agent's norm type)
     * @param penalty  {@code grad_penalty}'s own parameters
     */
    public record Settings(int numCounterExamples, float[] minActions, float[] maxActions, float softmaxTemperature,
                           double fractionLangevinSamples, double fractionDfoSamples, boolean addGradPenalty,
                           String gradNormType, boolean computeMse, LangevinConfig langevin,
                           GradientLoss.Settings penalty) {
        /** Uniform counter examples, no penalty (pixel_ebm_best.gin). */
        public static Settings uniform(int n, float[] min, float[] max, float temperature) {
            return new Settings(n, min, max, temperature, 0, 0, false, "inf", false, LangevinConfig.ibcDefaults(),
                    GradientLoss.Settings.ibcDefaults());
        }
    }

    private final PixelEBM net;
    private final KerasAdam optimizer;
    private final Settings s;
    private final float[] minActions;
    private final float[] maxActions;
    private long step;

    private PixelImplicitBC(PixelEBM net, KerasAdam optimizer, Settings s) {
        this.net = net;
        this.optimizer = optimizer;
        this.s = s;
        this.minActions = s.minActions().clone();
        this.maxActions = s.maxActions().clone();
    }

    /** Uniform counter examples only (the earlier signature); anything else goes through {@link Settings}. */
    public static PixelImplicitBC create(PixelEBM net, KerasAdam optimizer, int numCounterExamples,
                                         float[] minActions, float[] maxActions, float softmaxTemperature,
                                         double fractionLangevinSamples, double fractionDfoSamples,
                                         boolean addGradPenalty) {
        Settings u = Settings.uniform(numCounterExamples, minActions, maxActions, softmaxTemperature);
        return create(net, optimizer, new Settings(numCounterExamples, minActions, maxActions, softmaxTemperature,
                fractionLangevinSamples, fractionDfoSamples, addGradPenalty, u.gradNormType(), false, u.langevin(),
                u.penalty()));
    }

    /** Checks the settings against what is ported (each refusal names the setting and why). */
    public static PixelImplicitBC create(PixelEBM net, KerasAdam optimizer, Settings s) {
        Preconditions.checkArgument(s.numCounterExamples() >= 1, "num_counter_examples must be >= 1");
        Preconditions.checkArgument(s.minActions().length == net.actionDim()
                        && s.maxActions().length == net.actionDim(),
                "sampling bounds: %s/%s values for %s action dimensions", s.minActions().length,
                s.maxActions().length, net.actionDim());
        if (!(s.fractionLangevinSamples() >= 0 && s.fractionDfoSamples() >= 0
                && s.fractionLangevinSamples() + s.fractionDfoSamples() <= 1.0)) {
            throw new IllegalArgumentException("ImplicitBCAgent: need fraction_dfo_samples >= 0, "
                    + "fraction_langevin_samples >= 0 and their sum <= 1, got " + s.fractionDfoSamples() + " and "
                    + s.fractionLangevinSamples());
        }
        if (s.fractionDfoSamples() != 0) {
            throw new UnsupportedOperationException("PixelEBM training with fraction_dfo_samples="
                    + s.fractionDfoSamples() + " is not ported (no IBC pixel config sets it; with IBC's default "
                    + "return_full_chain=True IBC itself raises 'Not implemented to return dfo chain.')");
        }
        if (s.addGradPenalty()) {
            if (!s.penalty().onlyApplyFinalGradPenalty()) {
                throw new UnsupportedOperationException("PixelEBM training with "
                        + "grad_penalty.only_apply_final_grad_penalty=False is not ported (pixel_ebm_langevin.gin "
                        + "sets True)");
            }
            if (!"inf".equals(s.gradNormType()) || !s.penalty().squareGradPenalty()) {
                throw new UnsupportedOperationException("grad_penalty's parameter gradient is derived for the "
                        + "squared inf-norm (IBC's defaults); got grad_norm_type='" + s.gradNormType()
                        + "', square_grad_penalty=" + s.penalty().squareGradPenalty());
            }
        }
        return new PixelImplicitBC(net, optimizer, s);
    }

    /** What one step computed (the counter examples, the loss parts and their gradients). */
    public record Step(long step, INDArray combinedActions, INDArray predictions, float loss, Loss detail) {}

    /**
     * {@code _make_counter_example_actions}: the uniform draw {@code [B·n, A]}, the Langevin chain's output (or
     * null), the counter examples {@code [B, n, A]}, the combined actions {@code [B·(n+1), A]} and the chain.
     */
    public record CounterExamples(INDArray initial, INDArray langevin, INDArray counterExamples, INDArray combined,
                                  ChainData chain) {}

    /** Draws in TF's order: one uniform {@code [B, n, A]}, then one normal {@code [B·n, A]} per Langevin step. */
    public CounterExamples counterExamples(INDArray rgb, INDArray actions, NoiseSource noise) {
        int b = (int) rgb.size(0);
        int n = s.numCounterExamples();
        int a = net.actionDim();
        INDArray u = Nd4j.create(DataType.FLOAT, b * n, a);
        noise.uniform(u);
        float[] x = u.dup('c').data().asFloat();
        for (int i = 0; i < x.length; i++) {
            int j = i % a;
            x[i] = x[i] * (maxActions[j] - minActions[j]) + minActions[j]; // tf.random.uniform(minval, maxval)
        }
        INDArray uniform = Nd4j.create(x, new long[] {b * n, a}, 'c');
        if (s.fractionLangevinSamples() == 0) {
            return new CounterExamples(uniform, null, uniform.reshape(b, n, a), combine(uniform, actions, b, n, a),
                    null);
        }
        Mcmc.Result r = PixelEbmSampling.langevin(net, rgb, uniform, true, minActions, maxActions, s.langevin(),
                noise);
        // IBC's column split: int(fraction·n) Langevin columns last, the rounding residual to the uniform part.
        int langNum = (int) (s.fractionLangevinSamples() * n);
        INDArray counter = uniform.reshape(b, n, a).dup('c');
        if (langNum > 0) {
            counter.get(NDArrayIndex.all(), NDArrayIndex.interval(n - langNum, n), NDArrayIndex.all())
                    .assign(r.actions().reshape(b, n, a).get(NDArrayIndex.all(), NDArrayIndex.interval(n - langNum,
                            n), NDArrayIndex.all()));
        }
        return new CounterExamples(uniform, r.actions(), counter, combine(counter, actions, b, n, a), r.chain());
    }

    private static INDArray combine(INDArray counter, INDArray actions, int b, int n, int a) {
        return Nd4j.concat(1, counter.reshape(b, n, a), actions.castTo(DataType.FLOAT).reshape(b, 1, a))
                .reshape('c', (long) b * (n + 1), a);
    }

    /**
     * Everything {@code _loss(training=True)} computes on given counter examples.
     *
     * @param softmax         info_nce's probabilities {@code [B, n+1]}
     * @param penaltyDfDa     ∂f/∂a at the combined actions (IBC's penalty de_dact is its negative), or null
     * @param penalty         norms {@code [B, n+1]}, per-example penalty {@code [B]}, or null without a penalty
     * @param gradInfoNce     ∂(Σ_b info_nce_b / B)/∂θ, flat in {@link PixelEBM#flatParams()}' layout
     * @param gradPenalty     ∂(Σ_b penalty_b / B)/∂θ, same layout (zeros on the encoder), or null
     * @param gradTotal       what Adam gets
     * @param mseCounterExamples NaN unless compute_mse (monitoring only)
     */
    public record Loss(INDArray predictions, INDArray softmax, INDArray perExampleInfoNce, INDArray penaltyDfDa,
                       GradientLoss.Penalty penalty, INDArray perExampleLoss, float totalLoss,
                       float mseCounterExamples, INDArray gradInfoNce, INDArray gradPenalty, INDArray gradTotal,
                       Map<String, Float> summaries) {}

    /** {@code _loss} with the gradients, on given counter examples (teacher-forced parity checks call this). */
    public Loss loss(INDArray rgb, INDArray actions, CounterExamples ce) {
        int b = (int) rgb.size(0);
        int n = s.numCounterExamples();
        int a = net.actionDim();
        Preconditions.checkArgument(actions.size(0) == b && actions.size(1) == a,
                "actions: expected [%s, %s], got %s", b, a, actions.shapeInfoToString());
        // One encoding serves the predictions and the penalty: IBC encodes twice (the penalty's PixelEBM call
        // encodes again inside gradient_wrt_act), with the same weights and inputs, so the same values.
        INDArray tiled = PixelEBM.tileBatch(net.encode(rgb), n + 1);
        INDArray predictions = net.energiesGivenEncoding(tiled, ce.combined()).reshape(b, n + 1);
        EbmLoss.InfoNce nce = EbmLoss.infoNce(predictions, s.softmaxTemperature(), 1f / b);
        INDArray gradNce = net.paramGradient(rgb, ce.combined(), nce.gradPredictions().reshape(b * (n + 1)));
        INDArray perExample = nce.perExampleLoss().castTo(DataType.FLOAT).dup();
        INDArray gradTotal = gradNce.dup();
        GradientLoss.Penalty penalty = null;
        INDArray dfDa = null;
        INDArray gradPen = null;
        if (s.addGradPenalty()) {
            DenseResnetGradPenalty d = new DenseResnetGradPenalty(net.valueConfig(), net.params(), tiled,
                    ce.combined().castTo(DataType.FLOAT));
            dfDa = d.dfDa();
            Double margin = s.penalty().gradMargin();
            penalty = GradientLoss.gradPenalty(dfDa, b, s.gradNormType(), margin == null ? null
                            : margin.floatValue(), s.penalty().squareGradPenalty(),
                    (float) s.penalty().gradLossWeight(), 1f / b);
            gradPen = net.flatValueGradient(d.paramGradient(penalty.gradActionGrads()));
            perExample.addi(penalty.perExample());
            gradTotal.addi(gradPen);
        }
        float total = ImplicitBCAgent.meanOverBatch(perExample);
        float mse = s.computeMse() ? ImplicitBCAgent.mse(ce.counterExamples(), actions, b, n, a) : Float.NaN;
        Map<String, Float> summaries = new LinkedHashMap<>();
        summaries.put("Losses/ebm_total_loss", total);
        if (penalty != null) {
            summaries.put("Losses/grad_loss", ImplicitBCAgent.meanOverBatch(penalty.perExample()));
        }
        if (s.computeMse()) {
            summaries.put("Losses/mse_counter_examples", mse);
        }
        if (ce.chain() != null) {
            ImplicitBCAgent.chainSummaries(ce.chain(), summaries);
        }
        return new Loss(predictions, nce.probabilities(), nce.perExampleLoss(), dfDa, penalty, perExample, total, mse, gradNce, gradPen,
                gradTotal, summaries);
    }

    /**
     * One training step on normalized images {@code [B, T, H, W, C]} and normalized actions {@code [B, A]};
     * updates the network in place.
     *
     * @throws NonFiniteException if the loss or the gradient is not finite
     */
    public Step train(INDArray rgb, INDArray actions, NoiseSource noise) {
        CounterExamples ce = counterExamples(rgb, actions, noise);
        Loss l = loss(rgb, actions, ce);
        NonFiniteException.check(step, "total_loss", Nd4j.scalar(l.totalLoss()));
        NonFiniteException.check(step, "gradient of the PixelEBM weights", l.gradTotal());
        optimizer.apply(net.flatParams(), l.gradTotal());
        NonFiniteException.check(step, "updated PixelEBM weights", net.flatParams());
        return new Step(step++, ce.combined(), l.predictions(), l.totalLoss(), l);
    }

    /** tf.nn.compute_average_loss as aggregate_losses runs it: reduce_sum, then a float32 division by B. */
    public static float batchMean(INDArray perExample) {
        return ImplicitBCAgent.meanOverBatch(perExample);
    }

    public PixelEBM network() {
        return net;
    }

    public Settings settings() {
        return s;
    }

    public long trainStep() {
        return step;
    }

    /** Continues IBC's {@code train_step_counter} from {@code trainStep} (a resumed checkpoint's step). */
    public PixelImplicitBC startingAt(long trainStep) {
        Preconditions.checkArgument(trainStep >= 0, "train step must be >= 0, got %s", trainStep);
        this.step = trainStep;
        return this;
    }

    public KerasAdam optimizer() {
        return optimizer;
    }
}
