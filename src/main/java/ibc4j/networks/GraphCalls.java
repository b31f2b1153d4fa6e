package ibc4j.networks;

import ibc4j.runtime.StepMemory;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J graph calls that leave no native garbage behind, inside a {@link StepMemory} unit or not. DL4J refuses an
 * outer workspace in {@code output} unless it is named as the output's workspace, and {@code feedForward} returns
 * every layer's activation detached from all workspaces, which only a garbage collection would free. Here the output
 * lands in the open unit, and a training pass's activations are closed as soon as its gradient is copied out.
 */
public final class GraphCalls {
    private GraphCalls() {}

    /** {@code graph.output(training, inputs)}, the outputs made in the open unit (if any). */
    public static INDArray[] output(ComputationGraph graph, boolean training, INDArray... inputs) {
        MemoryWorkspace ws = StepMemory.current();
        if (ws == null) {
            return graph.output(training, inputs);
        }
        WorkspaceMode mode = training ? graph.getConfiguration().getTrainingWorkspaceMode()
                : graph.getConfiguration().getInferenceWorkspaceMode();
        if (mode != WorkspaceMode.NONE) {
            return graph.output(training, ws, inputs);
        }
        // Without DL4J workspaces DL4J's output refuses an outer workspace even scoped out; its feedForward does not.
        try (Pass pass = forward(graph, training, inputs)) {
            List<String> names = graph.getConfiguration().getNetworkOutputs();
            INDArray[] in = new INDArray[names.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = pass.activation(names.get(i)).dup();
            }
            return in;
        }
    }

    /**
     * Frees the detached activations DL4J's {@code feedForward} returned, once each, except {@code keep} (the
     * caller's inputs, which the map holds too).
     */
    public static void closeActivations(Map<String, INDArray> acts, INDArray... keep) {
        Set<INDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(Arrays.asList(keep));
        for (INDArray a : acts.values()) {
            if (seen.add(a) && a.closeable()) {
                a.close();
            }
        }
    }

    /**
     * A training-mode forward pass whose layer states stay for one {@link #backward}: the one forward a training step
     * needs for both the loss and its gradient.
     */
    public static Pass forward(ComputationGraph graph, INDArray... inputs) {
        return forward(graph, true, inputs);
    }

    private static Pass forward(ComputationGraph graph, boolean training, INDArray... inputs) {
        Map<String, INDArray> acts = StepMemory.persistent(() -> graph.feedForward(inputs, training, false));
        return new Pass(graph, inputs, acts);
    }

    /**
     * One forward pass's activations, until {@link #backward} or {@link #close} frees them.
     */
    public static final class Pass implements AutoCloseable {
        private final ComputationGraph graph;
        private final INDArray[] inputs;
        private Map<String, INDArray> acts;

        private Pass(ComputationGraph graph, INDArray[] inputs, Map<String, INDArray> acts) {
            this.graph = graph;
            this.inputs = inputs;
            this.acts = acts;
        }

        /** The activation of vertex {@code name} (a network output, say); valid until the pass ends. */
        public INDArray activation(String name) {
            if (acts == null) {
                throw new IllegalStateException("the pass has ended");
            }
            INDArray a = acts.get(name);
            if (a == null) {
                throw new IllegalArgumentException("no vertex '" + name + "' in " + acts.keySet());
            }
            return a;
        }

        /** The first network output, copied into the open unit (or detached without one). */
        public INDArray output() {
            return activation(graph.getConfiguration().getNetworkOutputs().get(0)).dup();
        }

        /**
         * Backpropagates {@code epsilons} (dL/d each network output) and ends the pass.
         *
         * @return dL/dθ, flat in the graph's parameter layout, a new array in the open unit (or detached)
         */
        public INDArray backward(INDArray... epsilons) {
            INDArray view = StepMemory.persistent(() -> graph.backpropGradient(epsilons).gradient());
            INDArray flat = view.dup();
            close();
            return flat;
        }

        /** Drops the layers' stored inputs and frees the activations (not the caller's inputs). */
        @Override
        public void close() {
            if (acts == null) {
                return;
            }
            graph.clearLayersStates();
            closeActivations(acts, inputs);
            acts = null;
        }
    }
}
