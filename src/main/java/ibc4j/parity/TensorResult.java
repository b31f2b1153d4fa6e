package ibc4j.parity;

import java.util.List;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The outcome of comparing one ibc4j tensor with its golden: where it is ({@code component/case/tensor}), the
 * shapes involved, the {@link Comparison} and an optional note.
 *
 * <p>What a {@link ParityCheck} returns, one per compared tensor; build it with {@link #compare}.
 *
 * @param path       {@code component/case/tensor}, e.g. {@code info_nce/particle2d/per_example_loss}
 * @param shapes     golden input shapes → compared shape, e.g. {@code [4608,16],[4608,2]→[4608]}
 * @param comparison the element-wise comparison (it carries the {@link Tolerance})
 * @param note       extra context for the report (chain drift, ...); empty when none
 */
public record TensorResult(String path, String shapes, Comparison comparison, String note) {

    /**
     * Compares {@code actual} with the golden tensor {@code tensor} of {@code g}: the usual one-liner in a check.
     * <pre>{@code
     * return List.of(TensorResult.compare(g, "energies", energies,
     *         Tolerance.of(1e-6, 1e-5, "3 float32 GEMMs of width 256: ~1e-6 relative; 10x headroom")));
     * }</pre>
     */
    public static TensorResult compare(Golden g, String tensor, INDArray actual, Tolerance tolerance) {
        return of(g, tensor, g.tensor(tensor), actual, tolerance);
    }

    /** Like {@link #compare}, with the expected value given (a slice of a golden, a derived quantity). */
    public static TensorResult of(Golden g, String tensor, INDArray expected, INDArray actual, Tolerance tolerance) {
        Comparison c = Comparison.of(tensor, expected, actual, tolerance);
        return new TensorResult(g.entry().key() + "/" + tensor, inputShapes(g) + "→" + Fmt.shape(c.expectedShape()), c, "");
    }

    /**
     * Like {@link #compare}, with a per-element addition to the tolerance
     * ({@link Comparison#of(String, INDArray, INDArray, Tolerance, INDArray)}).
     */
    public static TensorResult compare(Golden g, String tensor, INDArray actual, Tolerance tolerance,
                                       INDArray extraAtol) {
        Comparison c = Comparison.of(tensor, g.tensor(tensor), actual, tolerance, extraAtol);
        return new TensorResult(g.entry().key() + "/" + tensor, inputShapes(g) + "→" + Fmt.shape(c.expectedShape()),
                c, "");
    }

    /** The shapes of the golden's {@code input}-role tensors, comma-separated ({@code -} when it has none). */
    public static String inputShapes(Golden g) {
        return inputShapes(g.entry());
    }

    static String inputShapes(GoldenEntry e) {
        List<String> in = e.tensors().stream().filter(t -> t.role().equals("input"))
                .map(t -> Fmt.shape(t.shape())).collect(Collectors.toList());
        if (in.isEmpty()) {
            return "-";
        }
        // Long obs dicts would swamp the table; the JSON report has every tensor.
        return in.size() <= 4 ? String.join(",", in) : String.join(",", in.subList(0, 3)) + ",…(+" + (in.size() - 3) + ")";
    }

    /** The same result, with what the check left out before comparing recorded (and capped): see {@link Excused}. */
    public TensorResult excusing(Excused excused) {
        comparison.excusing(excused);
        return this;
    }

    /** The same result with {@code note} attached. */
    public TensorResult withNote(String note) {
        return new TensorResult(path, shapes, comparison, note);
    }

    public Tolerance tolerance() {
        return comparison.tolerance();
    }

    public boolean pass() {
        return comparison.pass();
    }

    /** {@code path: detail}, the "first failure" line of the report. */
    public String text() {
        return path + ": " + comparison.detail();
    }
}
