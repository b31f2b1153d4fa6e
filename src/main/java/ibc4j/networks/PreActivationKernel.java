package ibc4j.networks;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import ibc4j.networks.layers.ResNetLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link EbmKernel} for {@code ResNetPreActivationLayer} (networks/layers/resnet.py, IBC db89ddb) with any number
 * of blocks L; with IBC's particle shape (L = 1) a dE/da step is 2 big GEMMs.
 *
 * <pre>
 * forward   h0 = z0;  per block l = 1..L:  a1 = relu(h_{l-1});  z_l = a1·W1_l + b1_l;  a2 = relu(z_l);
 *                                         u_l = a2·W2_l + b2_l;  h_l = h_{l-1} + u_l;       f = h_L·wo + bo
 * backward  γ_L = wo^T (the same row for every sample, so δq_L = wo^T·W2_L^T is a cached row cq)
 *           l = L..1:  δq_l = γ_l·W2_l^T;  δz_l = [z_l > 0]⊙δq_l;  δr_l = δz_l·W1_l^T;
 *                      γ_{l-1} = γ_l + [h_{l-1} > 0]⊙δr_l
 *           ∂f/∂x = γ_0·Wp^T
 * </pre>
 * For the gradient alone the last block's u_L, h_L and the head are skipped: they do not feed ∂f/∂a. Biases and
 * the residual add keep TF's order (matmul, bias_add, then x_start_block + x).
 *
 * <p>The Langevin path, {@link #actionGradient(INDArray)} after {@link #prepareObservations} with one block in
 * float32, runs the 2 GEMMs with the elementwise work fused around them ({@link FusedPasses}) when the
 * {@code jdk.incubator.vector} module is present; rows with the same observation (IBC tiles each observation over
 * its counter examples) read one prepared row. Otherwise, or with {@code -Dibc4j.fused=false}, it runs the
 * per-op path below. After a fused call, {@code z[0]} holds δz and {@code h[0]}, {@code dz[0]}, {@code gam[0]}
 * are not written.
 */
public final class PreActivationKernel extends EbmKernel {
    final int numBlocks;
    final int width;
    final INDArray[] w1;
    final INDArray[] b1;
    final INDArray[] w2;
    final INDArray[] b2;
    /** h[0] = z0 (the projection), h[l] the residual stream after block l. */
    final INDArray[] h;
    final INDArray[] a1;   // relu(h[l-1]) per block (index l-1)
    final INDArray[] z;    // dense1 pre-activation per block
    final INDArray[] a2;   // relu(z)
    final INDArray[] u;    // dense2 output
    /** δz_l and γ_l per block, kept for the penalty's double backward. */
    final INDArray[] dz;
    final INDArray[] gam;  // gam[l] = γ_l for l < L; gam[0] is gz0
    final INDArray scratch;
    /** cq = wo^T·W2_L^T [1, W], refreshed with the other weight-derived caches. */
    final INDArray cq;
    private PreActivationGradPenalty penalty;
    /** The fused Langevin passes, or null (several blocks, float64, no Vector API, or switched off). */
    private final FusedPasses fused;
    /** Per row, the first row with the same observation (its prepared half is read instead). */
    private final int[] obsSource;
    /** The trunk's elementwise work fused between its GEMMs (float32 with the Vector API), or null: per-op. */
    private final TrunkPasses trunk;
    /** A training kernel that keeps only what {@link #paramGradient} reads (see the constructor). */
    private final boolean lean;

    PreActivationKernel(MLPEBM net, int rows) {
        this(net, rows, fusedAvailable());
    }

    /** {@code fuse} = false forces the per-op path (tests compare the two). */
    PreActivationKernel(MLPEBM net, int rows, boolean fuse) {
        this(net, rows, fuse, false);
    }

    /**
     * @param lean a training kernel: energies and {@link #paramGradient} only, keeping per block just relu1 and
     *             relu2 (what the weight gradients read; their signs are the ReLU masks) and sharing the other
     *             buffers between blocks. For B·(n+1) = 131,584 rows of IBC's 128 × 16 block-pushing network that
     *             is 27 buffers of [R, W] instead of 59 (1.8 GB instead of 4.0). The action gradient, the gradient
     *             penalty and {@link #intermediates()} need every block's states and are refused.
     */
    PreActivationKernel(MLPEBM net, int rows, boolean fuse, boolean lean) {
        super(net, rows);
        this.lean = lean;
        this.numBlocks = net.numBlocks();
        this.width = firstWidth;
        w1 = new INDArray[numBlocks];
        b1 = new INDArray[numBlocks];
        w2 = new INDArray[numBlocks];
        b2 = new INDArray[numBlocks];
        h = new INDArray[numBlocks + 1];
        a1 = new INDArray[numBlocks];
        z = new INDArray[numBlocks];
        a2 = new INDArray[numBlocks];
        u = new INDArray[numBlocks];
        dz = new INDArray[numBlocks];
        gam = new INDArray[numBlocks];
        h[0] = z0;
        gam[0] = gz0;
        // Lean: one dense1, dense2 and δz buffer for all blocks, the residual stream updated in place (the last
        // block's output, which the head reads, apart), and γ alternating between two buffers.
        INDArray zAll = lean ? buf(rows, width) : null;
        INDArray uAll = lean ? buf(rows, width) : null;
        INDArray dzAll = lean ? buf(rows, width) : null;
        INDArray hMid = lean && numBlocks > 1 ? buf(rows, width) : null;
        INDArray[] gPair = lean && numBlocks > 1 ? new INDArray[] {buf(rows, width), buf(rows, width)} : null;
        for (int l = 0; l < numBlocks; l++) {
            String p = ResNetLayer.blockPrefix(l, numBlocks);
            w1[l] = net.forwardParam(p + "_dense1_kernel");
            b1[l] = net.forwardParam(p + "_dense1_bias");
            w2[l] = net.forwardParam(p + "_dense2_kernel");
            b2[l] = net.forwardParam(p + "_dense2_bias");
            boolean lastBlock = l == numBlocks - 1;
            h[l + 1] = lean && !lastBlock ? hMid : buf(rows, width);
            a1[l] = buf(rows, width);
            z[l] = lean ? zAll : buf(rows, width);
            a2[l] = buf(rows, width);
            u[l] = lean ? uAll : buf(rows, width);
            dz[l] = lean ? dzAll : buf(rows, width);
            if (l > 0) {
                gam[l] = lean ? gPair[l % 2] : buf(rows, width);
            }
        }
        scratch = buf(rows, width);
        cq = buf(1, width);
        boolean fusable = fuse && numBlocks == 1 && dt == DataType.FLOAT && !lean;
        fused = fusable ? new FusedPasses(rows, width, actDim, hObs, a1[0], z[0], scratch, lastEnergies()) : null;
        trunk = fuse && dt == DataType.FLOAT ? new TrunkPasses(rows, width) : null;
        obsSource = new int[rows];
    }

    /**
     * Whether new kernels fuse the Langevin path: the {@code jdk.incubator.vector} module is in the boot layer
     * ({@code --add-modules jdk.incubator.vector}, which the launcher and the test runner pass) and the system
     * property {@code ibc4j.fused} is not {@code false}.
     */
    public static boolean fusedAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"false".equals(System.getProperty("ibc4j.fused"));
    }

    /** True when this kernel's prepared {@link #actionGradient(INDArray)} runs the fused passes. */
    public boolean isFused() {
        return fused != null;
    }

    @Override
    protected void refreshDerived() {
        super.refreshDerived();
        gemm(woRow, w2[numBlocks - 1], cq, false, true, 0.0);
        if (fused != null) {
            fused.snapshot(wInActC, b1[0], cq, woRow, b2[0], net.forwardParam("head_bias"));
        }
    }

    @Override
    public void prepareObservations(INDArray obs) {
        super.prepareObservations(obs);
        a1Version++;
        if (fused == null) {
            return;
        }
        // Bitwise-equal consecutive observation rows share one prepared row, which then stays in cache.
        INDArray o = wholeBuffer(obs) ? obs : obs.dup('c');
        FloatBuffer fb = o.data().asNioFloat();
        int off = 0;
        int src = 0;
        for (int r = 0; r < rows; r++) {
            if (r > 0 && !sameRow(fb, off, src, r)) {
                src = r;
            }
            obsSource[r] = src;
        }
    }

    private boolean sameRow(FloatBuffer fb, int off, int a, int b) {
        for (int c = 0; c < obsDim; c++) {
            if (Float.floatToRawIntBits(fb.get(off + a * obsDim + c))
                    != Float.floatToRawIntBits(fb.get(off + b * obsDim + c))) {
                return false;
            }
        }
        return true;
    }

    /** ∂f/∂a [R, A] for the prepared observations: 2 GEMMs and, when fused, 3 elementwise passes. */
    @Override
    public INDArray actionGradient(INDArray act) {
        return fused == null ? super.actionGradient(act) : fusedGradient(act, false);
    }

    private INDArray fusedGradient(INDArray act, boolean withEnergies) {
        checkPrepared(act);
        INDArray in = wholeBuffer(act) ? act : scratchAct().assign(act);
        fused.project(obsSource, in.data().asNioFloat(), 0, withEnergies);
        a1Version++;
        gemm(a1[0], w1[0], z[0], false, false, 0.0);
        fused.maskInPlace(withEnergies);
        gemm(z[0], w1[0], scratch, false, true, 0.0);
        fused.gradient(ga.data().asNioFloat());
        return ga;
    }

    /**
     * ∂f/∂a and, in {@link #lastEnergies()}, f for the prepared observations. Fused, f costs no third GEMM: the
     * head is linear, so f = h0·wo + relu(z)·(W2·wo) + b2·wo + bo, with h0·wo summed in pass A and
     * relu(z)·cq in pass B (the same float32 values up to rounding order; the kernel tests bound the difference).
     */
    @Override
    public INDArray actionGradientWithEnergies(INDArray act) {
        return fused == null ? super.actionGradientWithEnergies(act) : fusedGradient(act, true);
    }

    private INDArray actCopy;
    /** Counts writes of a1[0]; a fused chain knows a1[0] is its next step's input while the count is its own. */
    private long a1Version;
    private long chainVersion = -1;
    private FloatBuffer chainActs;

    @Override
    public void beginChain(INDArray act, boolean energies) {
        super.beginChain(act, energies);
        chainActs = fused != null && wholeBuffer(act) ? act.data().asNioFloat() : null;
        chainVersion = -1;
    }

    /** Fused: 2 GEMMs and 2 passes per step; the update and the next step's projection ride on pass C. */
    @Override
    public INDArray chainStep(RowUpdate update) {
        if (chainActs == null) {
            return super.chainStep(update);
        }
        boolean withEnergies = chainEnergies();
        if (chainVersion != a1Version) {
            fused.project(obsSource, chainActs, 0, withEnergies); // first step, or another call wrote a1 since
        }
        gemm(a1[0], w1[0], z[0], false, false, 0.0);
        fused.maskInPlace(withEnergies);
        gemm(z[0], w1[0], scratch, false, true, 0.0);
        fused.gradientUpdateProject(ga.data().asNioFloat(), update, obsSource, chainActs, withEnergies);
        chainVersion = ++a1Version;
        return ga;
    }

    /** A c-order array that starts its buffer: its nio view needs no offset arithmetic. */
    private static boolean wholeBuffer(INDArray a) {
        return a.ordering() == 'c' && a.offset() == 0 && a.elementWiseStride() == 1 && !a.isView();
    }

    private INDArray scratchAct() {
        if (actCopy == null) {
            actCopy = buf(rows, actDim);
        }
        return actCopy;
    }

    @Override
    protected void trunkForward(boolean forEnergies) {
        a1Version++;
        if (trunk != null) {
            fusedTrunkForward(forEnergies);
            return;
        }
        for (int l = 0; l < numBlocks; l++) {
            relu(h[l], a1[l]);
            gemm(a1[l], w1[l], z[l], false, false, 0.0);
            z[l].addiRowVector(b1[l]);
            if (l == numBlocks - 1 && !forEnergies) {
                break; // u_L and h_L only feed the head
            }
            relu(z[l], a2[l]);
            gemm(a2[l], w2[l], u[l], false, false, 0.0);
            u[l].addiRowVector(b2[l]);
            h[l].add(u[l], h[l + 1]);
        }
    }

    /** {@link #trunkForward} with one fused pass per GEMM gap; the next block's relu1 rides on the residual. */
    private void fusedTrunkForward(boolean forEnergies) {
        relu(h[0], a1[0]);
        for (int l = 0; l < numBlocks; l++) {
            gemm(a1[l], w1[l], z[l], false, false, 0.0);
            boolean last = l == numBlocks - 1;
            if (last && !forEnergies) {
                trunk.biasRelu(z[l], b1[l], null); // u_L and h_L only feed the head
                break;
            }
            trunk.biasRelu(z[l], b1[l], a2[l]);
            gemm(a2[l], w2[l], u[l], false, false, 0.0);
            trunk.biasResidualRelu(u[l], b2[l], h[l], h[l + 1], last ? null : a1[l + 1]);
        }
    }

    @Override
    protected void trunkBackward() {
        refuseIfLean("the action gradient");
        if (trunk != null) {
            fusedTrunkBackward();
            return;
        }
        for (int l = numBlocks - 1; l >= 0; l--) {
            step(z[l], dz[l]);
            if (l == numBlocks - 1) {
                dz[l].muliRowVector(cq);                       // δz_L = mask ⊙ (wo^T W2_L^T)
            } else {
                gemm(gam[l + 1], w2[l], scratch, false, true, 0.0); // δq_l
                dz[l].muli(scratch);
            }
            gemm(dz[l], w1[l], scratch, false, true, 0.0);     // δr_l
            step(h[l], gam[l]);
            gam[l].muli(scratch);
            if (l == numBlocks - 1) {
                gam[l].addiRowVector(woRow);                   // γ_L = wo^T
            } else {
                gam[l].addi(gam[l + 1]);
            }
        }
    }

    private void fusedTrunkBackward() {
        for (int l = numBlocks - 1; l >= 0; l--) {
            boolean last = l == numBlocks - 1;
            if (last) {
                trunk.maskMulRow(z[l], cq, dz[l]);                   // δz_L = mask ⊙ (wo^T W2_L^T)
            } else {
                gemm(gam[l + 1], w2[l], scratch, false, true, 0.0); // δq_l
                trunk.maskMul(z[l], scratch, dz[l]);
            }
            gemm(dz[l], w1[l], scratch, false, true, 0.0);         // δr_l
            if (last) {
                trunk.maskMulAddRow(h[l], scratch, woRow, gam[l]);   // γ_L = wo^T
            } else {
                trunk.maskMulAdd(h[l], scratch, gam[l + 1], gam[l]);
            }
        }
    }

    @Override
    protected INDArray top() {
        return h[numBlocks];
    }

    @Override
    public double gradPenaltyParamGradients(INDArray obs, INDArray act, double margin, double weight,
                                            INDArray gradOut) {
        refuseIfLean("the gradient penalty");
        if (penalty == null) {
            penalty = new PreActivationGradPenalty(this);
        }
        actionGradient(obs, act); // forward + backward, keeps dz and gam; ga = ∂f/∂a
        return penalty.run(margin, weight, gradOut);
    }

    private INDArray dLdfColumn;  // [R, 1]
    private INDArray onesRow;     // [1, R]

    /**
     * Gradient of {@code L = Σ_r dLdf[r]·f_r} with respect to every weight of the network, by backprop through the
     * buffers the last {@link #energies(INDArray, INDArray)} left: a training step's first-order path (info_nce)
     * for a trunk whose training forward equals its inference forward (no dropout, no normalizer).
     * <pre>
     * df = dLdf;  dwo = h_L^T·df;  dbo = Σ df;  γ_L = df·wo^T
     * l = L..1:  dW2_l = a2_l^T·γ_l;  db2_l = colsum γ_l;  δz_l = [z_l > 0]⊙(γ_l·W2_l^T);
     *            dW1_l = a1_l^T·δz_l;  db1_l = colsum δz_l;  γ_{l-1} = γ_l + [h_{l-1} > 0]⊙(δz_l·W1_l^T)
     * dWp = x^T·γ_0;  dbp = colsum γ_0
     * </pre>
     * The weight gradients are Aᵀ·B products over all R rows; they run in oneDNN ({@link #gemm}) rather than in
     * DL4J's backward, whose transposed GEMMs are the slow shape of the BLAS it calls.
     *
     * @param dLdf    {@code [R]} or {@code [R, 1]}
     * @param gradOut flat, the graph's parameter layout; overwritten
     */
    public void paramGradient(INDArray dLdf, INDArray gradOut) {
        if (dLdf.length() != rows) {
            throw new IllegalArgumentException("dLdf: expected " + rows + " values, got " + dLdf.length());
        }
        if (gradOut.dataType() != dt) {
            throw new IllegalArgumentException("gradOut: expected " + dt + ", got " + gradOut.dataType());
        }
        if (dLdfColumn == null) {
            dLdfColumn = buf(rows, 1);
            onesRow = buf(1, rows).assign(1.0);
        }
        INDArray df = dLdfColumn.assign(dLdf.reshape(rows, 1));
        Map<String, INDArray> d = net.viewsOf(gradOut);
        int last = numBlocks - 1;
        INDArray woGrad = d.get("head_kernel");
        INDArray woGradRow = woGrad.transpose();
        gemm(df, h[numBlocks], woGradRow, true, false, 0.0);             // dwo^T = df^T·h_L
        d.get("head_bias").putScalar(0, df.sumNumber().doubleValue());
        INDArray gamma = u[last];                                        // u is spent once h is formed
        gemm(df, woRow, gamma, false, false, 0.0);                       // γ_L = df·wo^T
        for (int l = last; l >= 0; l--) {
            String p = ResNetLayer.blockPrefix(l, numBlocks);
            gemm(gamma, a2[l], d.get(p + "_dense2_kernel").transpose(), true, false, 0.0);
            colSum(gamma, d.get(p + "_dense2_bias"));
            gemm(gamma, w2[l], scratch, false, true, 0.0);               // δq
            // [z > 0] is [relu(z) > 0], so the mask reads relu2 (which a lean kernel keeps), bit for bit.
            if (trunk != null) {
                trunk.maskMul(a2[l], scratch, dz[l]);                    // δz
            } else {
                step(a2[l], dz[l]);
                dz[l].muli(scratch);                                     // δz
            }
            gemm(dz[l], a1[l], d.get(p + "_dense1_kernel").transpose(), true, false, 0.0);
            colSum(dz[l], d.get(p + "_dense1_bias"));
            gemm(dz[l], w1[l], scratch, false, true, 0.0);               // δr
            INDArray below = gam[l];                                     // gam[0] is gz0
            if (trunk != null) {
                trunk.maskMulAdd(a1[l], scratch, gamma, below);          // [h > 0] = [relu1 > 0]
            } else {
                step(a1[l], below);
                below.muli(scratch).addi(gamma);
            }
            gamma = below;
        }
        String first = net.denseNames().get(0);
        gemm(gz0, netInput(), d.get(first + "_kernel").transpose(), true, false, 0.0);
        colSum(gz0, d.get(first + "_bias"));
    }

    private void refuseIfLean(String what) {
        if (lean) {
            throw new IllegalStateException(what + " needs every block's states, which a lean training kernel "
                    + "does not keep; use MLPEBM.kernel(rows)");
        }
    }

    /** out [W] (a contiguous view) = Σ_r x[r, :], as one [1, R]·[R, W] product. */
    private void colSum(INDArray x, INDArray out) {
        INDArray row = out.reshape(1, out.length());
        if (!sameMemory(row, out) || row.offset() != out.offset()) {
            throw new IllegalStateException("a bias gradient row is not a view of the flat gradient");
        }
        gemm(onesRow, x, row, false, false, 0.0);
    }

    /**
     * Views of the buffers after {@link #energies}, named as IBC's layers (net_input, projection, relu1, dense1, relu2,
     * dense2, residual, head), with a {@code block<l>/} prefix when there are several blocks. For parity checks.
     */
    public Map<String, INDArray> intermediates() {
        refuseIfLean("the per-layer intermediates");
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("net_input", netInput());
        m.put("projection", h[0]);
        for (int l = 0; l < numBlocks; l++) {
            String p = numBlocks == 1 ? "" : "block" + l + "/";
            m.put(p + "relu1", a1[l]);
            m.put(p + "dense1", z[l]);
            m.put(p + "relu2", a2[l]);
            m.put(p + "dense2", u[l]);
            m.put(p + "residual", h[l + 1]);
        }
        m.put("head", lastEnergies().reshape(rows, 1));
        return m;
    }
}
