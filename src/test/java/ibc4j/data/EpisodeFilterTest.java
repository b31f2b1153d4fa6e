package ibc4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** IBC's data/dataset_test.py FilterEpisodesTest, case for case, plus the T = 2 particle cases. */
class EpisodeFilterTest {
    private static final int F = TrajectoryStep.FIRST;
    private static final int M = TrajectoryStep.MID;
    private static final int L = TrajectoryStep.LAST;

    @Test
    void ibcsFourCases() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, EpisodeFilter.gatherIndices(new int[] {M, M, M, M, M, M}));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, EpisodeFilter.gatherIndices(new int[] {F, M, M, M, M, M}));
        assertArrayEquals(new int[] {3, 3, 3, 3, 4, 5}, EpisodeFilter.gatherIndices(new int[] {F, M, L, F, M, M}));
        assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5}, EpisodeFilter.gatherIndices(new int[] {F, F, F, F, F, F}));
    }

    @Test
    void particleWindowsOfTwo() {
        assertArrayEquals(new int[] {1, 1}, EpisodeFilter.gatherIndices(new int[] {L, F})); // episode start
        assertArrayEquals(new int[] {0, 1}, EpisodeFilter.gatherIndices(new int[] {M, L})); // LAST kept
        assertArrayEquals(new int[] {0, 1}, EpisodeFilter.gatherIndices(new int[] {F, M}));
        assertArrayEquals(new int[] {0}, EpisodeFilter.gatherIndices(new int[] {F}));
    }
}
