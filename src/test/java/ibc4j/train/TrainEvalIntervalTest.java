package ibc4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checkpoint and policy intervals fire once per interval even when blocks of fused steps do not divide it. */
class TrainEvalIntervalTest {
    private static List<Long> firing(long start, long end, long block, long interval) {
        List<Long> at = new ArrayList<>();
        for (long step = start + block; step <= end; step += block) {
            if (TrainEval.reached(step, block, interval)) {
                at.add(step);
            }
        }
        return at;
    }

    @Test
    void anIntervalThatBlocksDoNotDivideStillFiresEveryInterval() {
        // Blocks of 100 and an interval of 250: the blocks passing 250, 500, 750, 1000 (a plain step % 250 test
        // at block ends fires only at 500 and 1000).
        assertEquals(List.of(300L, 500L, 800L, 1000L), firing(0, 1000, 100, 250));
        assertEquals(List.of(1000L, 2000L), firing(0, 2000, 100, 1000));
        assertEquals(List.of(4L, 8L), firing(0, 8, 1, 4));
        assertEquals(List.of(1300L, 1500L), firing(1000, 1500, 100, 250), "after a resume at 1000");
    }
}
