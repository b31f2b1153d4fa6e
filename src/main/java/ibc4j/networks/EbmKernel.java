package ibc4j.networks;

import ibc4j.runtime.StepMemory;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Allocation-free forward and input gradients of {@link MLPEBM}; the hand-written counterpart of IBC's
 * {@code mcmc.gradient_wrt_act} (ibc/agents/mcmc.py) over the graph's own parameter views (one copy of the weights).
 *
 * <p>A kernel is bound to one row count R and preallocates every buffer for it; calls do GEMMs
 * ({@code Nd4j.gemm} into c-order buffers) and in-place elementwise ops only. Returned arrays are the kernel's
 * buffers: valid until the next call, never to be kept. Not thread-safe. The kernel sees weight updates made in
 * place (DL4J updaters do that) but must be rebuilt if the graph's parameter array is replaced.
 *
 * <p>Signs: everything here is about f, the network output (IBC's "energy", a logit). IBC's
 * {@code gradient_wrt_act} returns {@code -∂f/∂a}; {@link #actionGradient} returns {@code +∂f/∂a}.
 *
 * <p>ReLU masks use {@code x > 0}, as TF's ReluGrad does. Only activation 'relu' is implemented here.
 *
 * <p>Two ways to feed observations: {@code (obs, act)} methods concatenate [obs, act] and run the first dense
 * layer as TF does (one GEMM over all inputs, then the bias); {@link #prepareObservations} computes the
 * observation half {@code obs·W_obs + b} once per Langevin chain, after which the {@code (act)} methods only add
 * {@code act·W_act}. That changes the float32 summation order of the first layer (≈1 ulp), not the math.
 */
public abstract class EbmKernel {
    protected final MLPEBM net;
    protected final int rows;
    protected final int obsDim;
    protected final int actDim;
    protected final int inDim;
    protected final int firstWidth;
    protected final DataType dt;

    /** First dense layer (reads the network input): kernel [in, W0] ('f'-order view), bias [W0]. */
    protected final INDArray wIn;
    protected final INDArray bIn;
    private final INDArray wInObs;   // rows [0, obsDim) of wIn (strided view)
    private final INDArray wInAct;   // rows [obsDim, in) of wIn (strided view)
    /** C-order copy of {@code wInAct}, refreshed by {@link #refreshDerived()}: a cache, not a second weight. */
    protected final INDArray wInActC;
    /** Head kernel as a row [1, Wt] (view of head_kernel [Wt, 1]) and head bias [1]. */
    protected final INDArray woRow;
    private final INDArray wo;
    private final INDArray bo;

    private final INDArray x;        // [R, in]
    private final INDArray xObs;
    private final INDArray xAct;
    /** Pre-activation of the first dense layer [R, W0]; the trunk reads it. */
    protected final INDArray z0;
    /** [R, W0], the prepared observation half incl. bias. */
    protected final INDArray hObs;
    private final INDArray e;        // [R, 1]
    private final INDArray eFlat;    // [R] view of e
    /** ∂f/∂z0 [R, W0], written by {@link #trunkBackward()}. */
    protected final INDArray gz0;
    private final INDArray gx;       // [R, in]
    private final INDArray gxAct;    // view of gx's action columns
    /** ∂f/∂a [R, A]. */
    protected final INDArray ga;
    private boolean prepared;

    protected EbmKernel(MLPEBM net, int rows) {
        Preconditions.checkArgument(rows >= 1, "rows must be >= 1, got %s", rows);
        if (!net.config().activation().equals("relu")) {
            throw new UnsupportedOperationException("EbmKernel implements activation 'relu' only, got '"
                    + net.config().activation() + "'");
        }
        requireSupported(net.config(), false);
        this.net = net;
        this.rows = rows;
        this.obsDim = net.obsDim();
        this.actDim = net.actionDim();
        this.inDim = net.inputDim();
        this.dt = net.dataType();
        String first = net.denseNames().get(0);
        this.wIn = net.forwardParam(first + "_kernel");
        this.bIn = net.forwardParam(first + "_bias");
        this.firstWidth = (int) wIn.size(1);
        this.wInObs = wIn.get(NDArrayIndex.interval(0, obsDim), NDArrayIndex.all());
        this.wInAct = wIn.get(NDArrayIndex.interval(obsDim, inDim), NDArrayIndex.all());
        this.wInActC = buf(actDim, firstWidth);
        this.wo = net.forwardParam("head_kernel");
        this.woRow = wo.transpose(); // [W, 1] 'f' → [1, W] c-order view
        this.bo = net.forwardParam("head_bias");
        Preconditions.checkState(sameMemory(woRow, wo), "head_kernel row is not a view");

        this.x = buf(rows, inDim);
        this.xObs = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, obsDim));
        this.xAct = x.get(NDArrayIndex.all(), NDArrayIndex.interval(obsDim, inDim));
        this.z0 = buf(rows, firstWidth);
        this.hObs = buf(rows, firstWidth);
        this.e = buf(rows, 1);
        this.eFlat = e.reshape(rows);
        this.gz0 = buf(rows, firstWidth);
        this.gx = buf(rows, inDim);
        this.gxAct = gx.get(NDArrayIndex.all(), NDArrayIndex.interval(obsDim, inDim));
        this.ga = buf(rows, actDim);
    }

    /**
     * Refuses, before any training starts, a network the kernels would refuse at the first chain or penalty: the
     * sampler and the penalty run here, not in the DL4J graph, so the graph accepting a configuration is not enough.
     *
     * @param penaltyParamGradients whether the gradient penalty's parameter gradient will be needed (training with
     *                              {@code add_grad_penalty} and {@code only_apply_final_grad_penalty})
     * @throws UnsupportedOperationException naming the binding and what the kernels implement
     */
    public static void requireSupported(MLPEBM.Config c, boolean penaltyParamGradients) {
        if (c.normalizer() != null && !c.layers().equals("MLPDropout")) {
            // Langevin's dE/da would go through the norms (Layer: per row, also at inference) and the penalty's
            // parameter gradient through a double backward of them; the kernels have neither.
            throw new UnsupportedOperationException("ResNetLayer.normalizer = '" + c.normalizer() + "' with MLPEBM: "
                    + "ibc4j's Langevin, DFO and gradient-penalty kernels (which ImplicitBCAgent and IbcPolicy run) "
                    + "have no normalization; MLPEBM's graph computes energies and gradients with it, MLPMSE and "
                    + "MLPMDN train with it. No IBC EBM config binds a normalizer: bind ResNetLayer.normalizer = None");
        }
        if (!c.activation().equals("relu")) {
            throw new UnsupportedOperationException("MLPEBM.activation = '" + c.activation() + "': ibc4j's Langevin, "
                    + "DFO and gradient-penalty kernels implement 'relu' only (every IBC EBM config binds 'relu')");
        }
        if (penaltyParamGradients && !c.layers().equals("ResNetPreActivation")) {
            throw new UnsupportedOperationException("MLPEBM.layers = '" + c.layers() + "' with "
                    + "ImplicitBCAgent.add_grad_penalty = True: the penalty's parameter gradient is derived for "
                    + "'ResNetPreActivation' only (every IBC EBM config uses it); bind add_grad_penalty = False or "
                    + "layers = 'ResNetPreActivation'");
        }
    }

    /** The kernel for {@code net}'s layer type: the pre-activation ResNet path, else the general layered path. */
    public static EbmKernel create(MLPEBM net, int rows) {
        return create(net, rows, PreActivationKernel.fusedAvailable());
    }

    /**
     * As {@link #create(MLPEBM, int)}; {@code fuse} = false keeps the per-op Langevin path even where the fused one
     * is available (benchmarks compare the two).
     */
    public static EbmKernel create(MLPEBM net, int rows, boolean fuse) {
        if (net.config().layers().equals("ResNetPreActivation")) {
            return new PreActivationKernel(net, rows, fuse && PreActivationKernel.fusedAvailable());
        }
        return new LayeredKernel(net, rows);
    }

    public int rows() {
        return rows;
    }

    public MLPEBM net() {
        return net;
    }

    // ------------------------------------------------------------------ public API

    /** f(obs, act) [R], inference mode (dropout off). */
    public INDArray energies(INDArray obs, INDArray act) {
        loadInputs(obs, act);
        trunkForward(true);
        head();
        return eFlat;
    }

    /** f(obs, act) [R] for the observations of the last {@link #prepareObservations}. */
    public INDArray energies(INDArray act) {
        loadPrepared(act);
        trunkForward(true);
        head();
        return eFlat;
    }

    /** ∂f/∂a [R, A] (IBC's de_dact is the negative). */
    public INDArray actionGradient(INDArray obs, INDArray act) {
        loadInputs(obs, act);
        refreshDerived();
        trunkForward(false);
        trunkBackward();
        gemm(gz0, wIn, gx, false, true, 0.0);
        ga.assign(gxAct);
        return ga;
    }

    /**
     * Computes {@code obs·W_obs + b} of the first layer once, and snapshots weight-derived caches. Call again
     * after the weights change (e.g. once per Langevin chain; weights are fixed along a chain).
     */
    public void prepareObservations(INDArray obs) {
        checkShape("obs", obs, obsDim);
        gemm(obs, wInObs, hObs, false, false, 0.0);
        hObs.addiRowVector(bIn);
        refreshDerived();
        prepared = true;
    }

    /** ∂f/∂a [R, A] for the prepared observations: with one pre-activation block, 2 big GEMMs. */
    public INDArray actionGradient(INDArray act) {
        loadPrepared(act);
        trunkForward(false);
        trunkBackward();
        gemm(gz0, wInActC, ga, false, true, 0.0);
        return ga;
    }

    /** ∂f/∂a [R, A], and f [R] in {@link #lastEnergies()}, for the prepared observations. */
    public INDArray actionGradientWithEnergies(INDArray act) {
        loadPrepared(act);
        trunkForward(true);
        head();
        trunkBackward();
        gemm(gz0, wInActC, ga, false, true, 0.0);
        return ga;
    }

    /** A Langevin update of one action row from that row's ∂f/∂a in {@link #chainGradients()}. */
    public interface RowUpdate {
        /**
         * Rewrites row {@code row} of the chain's actions, and nothing else the kernel reads. Rows are independent:
         * a kernel may call this from two threads at once for different rows.
         */
        void apply(int row);
    }

    private INDArray chainAct;
    private boolean chainEnergies;

    /**
     * Starts a Langevin chain over {@code act} ([R, A] of the kernel's type) for the prepared observations: the
     * chain owns {@code act} until the next {@code beginChain} and updates it in place through {@link #chainStep}.
     *
     * @param energies whether each step must also leave f at its input actions in {@link #lastEnergies()}
     */
    public void beginChain(INDArray act, boolean energies) {
        checkPrepared(act);
        chainAct = act;
        chainEnergies = energies;
    }

    /**
     * One chain step: ∂f/∂a (and f, if the chain asked for it) of the chain's current actions into
     * {@link #chainGradients()} (and {@link #lastEnergies()}), then {@code update.apply(r)} for every row once
     * that row's gradient is there. A fused kernel does the update inside its last pass and the next step's first
     * pass right after it, with the same bits as {@link #actionGradientWithEnergies}; this default runs the
     * gradient call, then the updates.
     *
     * @return {@link #chainGradients()}
     */
    public INDArray chainStep(RowUpdate update) {
        Preconditions.checkState(chainAct != null, "call beginChain(act, energies) first");
        INDArray g = chainEnergies ? actionGradientWithEnergies(chainAct) : actionGradient(chainAct);
        for (int r = 0; r < rows; r++) {
            update.apply(r);
        }
        return g;
    }

    /** Whether the chain begun last asked for energies. */
    protected final boolean chainEnergies() {
        return chainEnergies;
    }

    /** The buffer [R, A] that {@link #chainStep} writes ∂f/∂a into (the same one {@code actionGradient} returns). */
    public INDArray chainGradients() {
        return ga;
    }

    /** The concatenated input buffer [R, obsDim + A] of the last {@code (obs, act)} call. */
    protected final INDArray netInput() {
        return x;
    }

    /** ∂f/∂a [R, A] as the last gradient-computing call (including the penalty's) left it: a buffer. */
    public INDArray lastActionGradient() {
        return ga;
    }

    /** The energy buffer [R] as the last energy-computing call left it. */
    public INDArray lastEnergies() {
        return eFlat;
    }

    /** ∂f/∂x [R, obsDim + A] with respect to the whole network input x = [obs, act]. */
    public INDArray inputGradient(INDArray obs, INDArray act) {
        loadInputs(obs, act);
        refreshDerived();
        trunkForward(false);
        trunkBackward();
        gemm(gz0, wIn, gx, false, true, 0.0);
        return gx;
    }

    /**
     * IBC's gradient penalty ({@code ibc/losses/gradient_loss.py grad_penalty} with grad_norm_type 'inf',
     * only_apply_final_grad_penalty, square_grad_penalty) and its parameter gradient by double backprop:
     * <pre>
     * P = weight · mean_r max(‖∂f/∂a_r‖∞ − margin, 0)²      (mean over all R = B·(n+1) rows = IBC's mean_b mean_j)
     * </pre>
     * {@code ∂P/∂θ} (weight included) is ADDED into {@code gradOut} (flat, the graph's parameter layout), so a
     * caller can accumulate it onto the info_nce gradient. ReLU masks are held fixed (their derivative is 0 a.e.).
     *
     * @return P (already multiplied by weight)
     * @throws UnsupportedOperationException for layers other than ResNetPreActivation
     */
    public double gradPenaltyParamGradients(INDArray obs, INDArray act, double margin, double weight,
                                            INDArray gradOut) {
        throw new UnsupportedOperationException("gradPenaltyParamGradients is derived for layers="
                + "'ResNetPreActivation' only (every IBC EBM config uses it), got '" + net.config().layers() + "'");
    }

    // ------------------------------------------------------------------ trunk hooks

    /** Runs the trunk from {@link #z0}; with {@code forEnergies} also the parts only the head needs. */
    protected abstract void trunkForward(boolean forEnergies);

    /** Writes ∂f/∂z0 into {@link #gz0}, starting from the head row {@link #woRow}. */
    protected abstract void trunkBackward();

    /** The trunk output [R, Wt] after {@code trunkForward(true)}. */
    protected abstract INDArray top();

    /** Recomputes caches derived from the weights (the kernel's own copies; never written back). */
    protected void refreshDerived() {
        wInActC.assign(wInAct);
    }

    // ------------------------------------------------------------------ shared steps

    private void loadInputs(INDArray obs, INDArray act) {
        checkShape("obs", obs, obsDim);
        checkShape("act", act, actDim);
        xObs.assign(obs);
        xAct.assign(act);
        gemm(x, wIn, z0, false, false, 0.0); // Keras Dense: matmul, then bias_add
        z0.addiRowVector(bIn);
    }

    private void loadPrepared(INDArray act) {
        checkPrepared(act);
        z0.assign(hObs);
        gemm(act, wInActC, z0, false, false, 1.0);
    }

    /** Throws unless {@link #prepareObservations} ran and {@code act} is [R, A] of the kernel's type. */
    protected final void checkPrepared(INDArray act) {
        Preconditions.checkState(prepared, "call prepareObservations(obs) first");
        checkShape("act", act, actDim);
    }

    private void head() {
        gemm(top(), wo, e, false, false, 0.0);
        e.addi(bo.getDouble(0)); // a [1]-shaped bias: scalar add, no broadcast op
    }

    private void checkShape(String what, INDArray a, int cols) {
        if (a.rank() != 2 || a.size(0) != rows || a.size(1) != cols || a.dataType() != dt) {
            throw new IllegalArgumentException(String.format("%s: expected %s [%d, %d], got %s %s", what, dt,
                    rows, cols, a.dataType(), java.util.Arrays.toString(a.shape())));
        }
    }

    /** True when both arrays live in the same off-heap buffer (ND4J wraps views in new DataBuffer objects). */
    static boolean sameMemory(INDArray a, INDArray b) {
        return a.data().address() == b.data().address();
    }

    protected final INDArray buf(long r, long c) {
        // The kernel's buffers outlive the unit of work that first needs them (ibc4j.runtime.StepMemory).
        return StepMemory.persistent(() -> Nd4j.create(dt, new long[] {r, c}, 'c'));
    }

    /**
     * C = op(A)·op(B) + beta·C; C must be a contiguous (ews 1) array. float32 goes to oneDNN's sgemm
     * ({@link OneDnnGemm}); the float64 reference graphs of the parity checks keep ND4J's gemm.
     */
    protected static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double beta) {
        if (c.dataType() == DataType.FLOAT && a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT
                && c.ordering() == 'c' && a.rank() == 2 && b.rank() == 2 && c.rank() == 2) {
            OneDnnGemm.gemm(a, ta, b, tb, c, 1f, (float) beta);
        } else {
            Nd4j.gemm(a, b, c, ta, tb, 1.0, beta);
        }
    }

    /** out = (x > 0) ? 1 : 0, TF's ReLU-gradient mask. */
    protected static void step(INDArray x, INDArray out) {
        Nd4j.getExecutioner().exec(new Step(x, out, 0.0));
    }

    /** out = max(x, 0), out of place. */
    protected static void relu(INDArray x, INDArray out) {
        Nd4j.getExecutioner().exec(new RectifiedLinear(x, out, 0.0));
    }
}
