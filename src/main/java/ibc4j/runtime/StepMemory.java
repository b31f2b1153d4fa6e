package ibc4j.runtime;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.abstracts.DummyWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native memory of one unit of work (a training step, an evaluation episode), owned by an ND4J workspace:
 * every array made while it is open comes from one block that is reset when it closes and reused by the next unit,
 * so a long run's resident memory stays flat without a garbage collection. ND4J's arrays are native buffers behind
 * small Java handles; left to the collector they pile up by gigabytes before it runs.
 * <p>
 * Two rules keep it correct. An array made inside must not be used after {@link #close()} (read numbers out
 * first). What outlives the unit (kernel buffers, caches, optimizer state) is made in {@link #persistent}, outside
 * every workspace. ND4J's {@code SCOPE_PANIC} profiling mode fails an op on an array from a closed unit; the tests run
 * scoped training under it.
 * <p>
 * Not thread-safe; each thread has its own workspaces (ND4J keeps them per thread).
 */
public final class StepMemory implements AutoCloseable {
    /**
     * The first unit learns its size; a later unit that needs more spills to plain allocations, freed when it closes,
     * and the block grows for the next one.
     */
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.1)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .build();

    private final MemoryWorkspace workspace;
    private final MemoryWorkspace outer; // the thread's current workspace before this unit, restored on close

    private StepMemory(MemoryWorkspace outer, MemoryWorkspace workspace) {
        this.outer = outer;
        this.workspace = workspace;
    }

    /**
     * Opens the unit of work named {@code name} on this thread (one workspace per name, reused by every unit of that
     * name).
     */
    public static StepMemory open(String name) {
        MemoryWorkspace outer = Nd4j.getMemoryManager().getCurrentWorkspace();
        return new StepMemory(outer, Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, "ibc4j_" + name));
    }

    /**
     * Ends the unit: its arrays' memory is handed to the next unit of the same name. The thread's current workspace
     * is reset to the one before the unit even when an exception left a library's inner workspace open, so that
     * nothing made after the unit lands in its reused block.
     */
    @Override
    public void close() {
        workspace.close();
        Nd4j.getMemoryManager().setCurrentWorkspace(outer);
    }

    /**
     * Makes something that outlives the current unit (a cache, a kernel's buffers, state) outside every workspace.
     * Without an open unit it simply runs {@code make}.
     */
    public static <T> T persistent(Supplier<T> make) {
        try (MemoryWorkspace out = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return make.get();
        }
    }

    /** Runs {@code work} outside every workspace (see {@link #persistent}). */
    public static void persistent(Runnable work) {
        try (MemoryWorkspace out = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            work.run();
        }
    }

    /** The workspace arrays made now land in, or null outside every unit. */
    public static MemoryWorkspace current() {
        MemoryWorkspace ws = Nd4j.getMemoryManager().getCurrentWorkspace();
        return ws == null || ws instanceof DummyWorkspace ? null : ws;
    }
}
