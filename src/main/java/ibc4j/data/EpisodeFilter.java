package ibc4j.data;

/**
 * IBC's {@code data/dataset.py} {@code filter_episodes}: which frames of a window of adjacent records are kept so
 * that the window shows only the newest episode.
 *
 * <p>With {@code i} the index of the last FIRST step in the window: no FIRST, or {@code i == 0}, keeps the window
 * as it is; otherwise the gather indices are {@code [i] * i + [i, i+1, ..., T-1]}, so every frame before the newest
 * episode's start becomes a copy of its FIRST frame (copies keep step type FIRST). Every field is gathered alike,
 * and no step type is ever dropped: LAST records stay ordinary frames. IBC's own cases
 * ({@code data/dataset_test.py} FilterEpisodesTest): {@code [F,M,L,F,M,M] -> [3,3,3,3,4,5]},
 * {@code [F,F,F,F,F,F] -> [5,5,5,5,5,5]}.
 */
public final class EpisodeFilter {
    private EpisodeFilter() {
    }

    /** The gather indices {@code filter_episodes} uses for a window with these step types (length T >= 1). */
    public static int[] gatherIndices(int[] stepTypes) {
        int t = stepTypes.length;
        int lastFirst = -1;
        for (int j = 0; j < t; j++) {
            if (stepTypes[j] == TrajectoryStep.FIRST) {
                lastFirst = j;
            }
        }
        int[] inds = new int[t];
        for (int j = 0; j < t; j++) {
            inds[j] = lastFirst <= 0 ? j : Math.max(j, lastFirst);
        }
        return inds;
    }
}
