package ibc4j.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shard list of IBC's {@code data/dataset.py} ({@code get_shards}, and the split of
 * {@code create_sequence_datasets}): {@code train_eval.dataset_path} globbed as {@code tf.io.gfile.glob} does.
 *
 * <p>A dataset path is one glob, or several separated by commas, concatenated in the order given. Each glob follows
 * TF's local-filesystem matcher ({@code fnmatch} with {@code FNM_PATHNAME}): {@code *} and {@code ?} never cross a
 * {@code /}, {@code [abc]}, {@code [a-z]}, {@code [!a]} and {@code [^a]} are classes, a backslash quotes the next
 * character, braces are literal; wildcards may appear in directory names too. A path without wildcards matches
 * itself if it exists.
 *
 * <p>Two deliberate differences from IBC: TF returns each glob's matches in directory-listing order, which depends
 * on the filesystem (and decides which shards become eval shards); here they are sorted by path string, so the
 * split is the same everywhere. And where IBC silently skips one comma-separated glob that matches nothing (it
 * fails only when all of them do), here every glob must match, so a typo cannot drop data unnoticed.
 */
public final class ShardGlob {
    private ShardGlob() {
    }

    /** Train and eval shards: {@code create_sequence_datasets}' split. {@code eval} is empty when there are none. */
    public record Split(List<Path> train, List<Path> eval) {
        public Split {
            train = List.copyOf(train);
            eval = List.copyOf(eval);
        }
    }

    /**
     * {@code get_shards}: every file the comma-separated globs of {@code datasetPath} match, each glob's matches
     * sorted, in the order the globs are given.
     *
     * @throws DatasetException naming the glob, if one matches nothing or matches something that is not a file
     */
    public static List<Path> resolve(String datasetPath) throws IOException {
        List<Path> shards = new ArrayList<>();
        for (String glob : datasetPath.split(",", -1)) {
            List<Path> matched = glob(glob);
            if (matched.isEmpty()) {
                throw new DatasetException("No data found at " + glob
                        + (glob.equals(datasetPath) ? "" : " (one of the globs of dataset_path " + datasetPath + ")")
                        + ": no file matches it");
            }
            for (Path p : matched) {
                if (!Files.isRegularFile(p)) {
                    throw new DatasetException("dataset_path glob " + glob + " matches " + p
                            + ", which is not a regular file");
                }
            }
            shards.addAll(matched);
        }
        return shards;
    }

    /**
     * {@code create_sequence_datasets}' split: keep the first {@code maxDataShards} shards (-1 keeps all), then
     * {@code int(#shards * evalFraction)} eval shards from the end; train is the rest, in order.
     */
    public static Split split(List<Path> shards, double evalFraction, int maxDataShards) throws DatasetException {
        if (!(evalFraction >= 0 && evalFraction <= 1)) {
            throw new IllegalArgumentException("dataset_eval_fraction must be in [0, 1], got " + evalFraction);
        }
        if (maxDataShards < -1 || maxDataShards == 0) {
            throw new IllegalArgumentException("max_data_shards must be -1 (all) or positive, got " + maxDataShards);
        }
        List<Path> kept = maxDataShards == -1 ? shards : shards.subList(0, Math.min(maxDataShards, shards.size()));
        if (kept.isEmpty()) {
            throw new DatasetException("No data found: the shard list is empty");
        }
        // Python's int() of a float product truncates toward zero, as (int) does for non-negative values.
        int numEval = (int) (kept.size() * evalFraction);
        int numTrain = kept.size() - numEval;
        if (numTrain == 0) {
            throw new DatasetException("dataset_eval_fraction " + evalFraction + " leaves no training shard of "
                    + kept.size());
        }
        return new Split(kept.subList(0, numTrain), kept.subList(numTrain, kept.size()));
    }

    /** Files and directories matching one glob, sorted by path string; empty if none. */
    public static List<Path> glob(String glob) throws IOException {
        if (glob.isEmpty()) {
            return List.of();
        }
        List<String> parts = List.of(glob.split("/", -1));
        int first = 0;
        while (first < parts.size() && !hasWildcard(parts.get(first))) {
            first++;
        }
        if (first == parts.size()) { // no wildcard at all: the path itself
            Path p = Path.of(unquote(glob));
            return Files.exists(p) ? List.of(p) : List.of();
        }
        String prefix = unquote(String.join("/", parts.subList(0, first)));
        List<Path> out = new ArrayList<>();
        expand(first == 0 ? null : Path.of(prefix.isEmpty() ? "/" : prefix), parts, first, out);
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }

    private static void expand(Path dir, List<String> parts, int i, List<Path> out) throws IOException {
        Path listed = dir == null ? Path.of(".") : dir;
        if (!Files.isDirectory(listed)) {
            return;
        }
        String part = parts.get(i);
        boolean last = i == parts.size() - 1;
        List<Path> hits = new ArrayList<>();
        if (!hasWildcard(part)) {
            Path child = dir == null ? Path.of(unquote(part)) : dir.resolve(unquote(part));
            if (Files.exists(child)) {
                hits.add(child);
            }
        } else {
            Pattern p = Pattern.compile(componentRegex(part));
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(listed)) {
                for (Path e : entries) {
                    String name = e.getFileName().toString();
                    if (p.matcher(name).matches()) {
                        hits.add(dir == null ? Path.of(name) : dir.resolve(name));
                    }
                }
            }
        }
        for (Path h : hits) {
            if (last) {
                out.add(h);
            } else {
                expand(h, parts, i + 1, out);
            }
        }
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('\\') >= 0;
    }

    private static String unquote(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** fnmatch for one path component as a Java regex. */
    static String componentRegex(String glob) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                r.append(".*");
            } else if (c == '?') {
                r.append('.');
            } else if (c == '\\' && i + 1 < glob.length()) {
                r.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else if (c == '[') {
                int end = classEnd(glob, i);
                if (end < 0) {
                    r.append("\\[");
                } else {
                    r.append(classRegex(glob.substring(i + 1, end)));
                    i = end;
                }
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return r.toString();
    }

    /** Index of the ']' closing the class opened at {@code open}, or -1 if unterminated (then '[' is literal). */
    private static int classEnd(String glob, int open) {
        int j = open + 1;
        if (j < glob.length() && (glob.charAt(j) == '!' || glob.charAt(j) == '^')) {
            j++;
        }
        if (j < glob.length() && glob.charAt(j) == ']') {
            j++; // a leading ']' is a member
        }
        for (; j < glob.length(); j++) {
            if (glob.charAt(j) == ']') {
                return j;
            }
        }
        return -1;
    }

    private static String classRegex(String body) {
        StringBuilder r = new StringBuilder("[");
        int j = 0;
        if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
            r.append('^');
            j = 1;
        }
        for (; j < body.length(); j++) {
            char c = body.charAt(j);
            if (c == '-' && j > 0 && j < body.length() - 1 && !(j == 1 && r.charAt(r.length() - 1) == '^')) {
                r.append('-');
            } else {
                r.append(classMember(c));
            }
        }
        return r.append(']').toString();
    }

    private static String classMember(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }
}
