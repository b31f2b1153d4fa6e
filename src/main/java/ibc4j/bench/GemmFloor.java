package ibc4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GEMM floor of a call: its big GEMMs alone, {@code Nd4j.gemm} into preallocated buffers of the same shapes,
 * transposes and operand orders, run back to back. A call cannot be faster than this on the same BLAS, so
 * {@code call / floor} is the overhead of everything else (elementwise passes, thin GEMMs, Java, allocation).
 */
public final class GemmFloor {
    /**
     * {@code count} products C[m, n] = op(A)·op(B) with inner size k; {@code bOrder} is the order of the stored B
     * (the network's kernels are DL4J 'f'-order views, activations are 'c').
     */
    public record Shape(String what, int m, int n, int k, boolean transA, boolean transB, char bOrder, int count) {
        public double flops() {
            return 2.0 * m * n * k * count;
        }
    }

    private final List<Shape> shapes;
    private final List<INDArray[]> operands = new ArrayList<>();

    public GemmFloor(List<Shape> shapes) {
        this.shapes = List.copyOf(shapes);
        long seed = 1;
        for (Shape s : this.shapes) {
            INDArray a = uniform(s.transA ? s.k : s.m, s.transA ? s.m : s.k, 'c', seed++);
            INDArray b = uniform(s.transB ? s.n : s.k, s.transB ? s.k : s.n, s.bOrder, seed++);
            INDArray c = Nd4j.create(DataType.FLOAT, new long[] {s.m, s.n}, 'c');
            operands.add(new INDArray[] {a, b, c});
        }
    }

    public List<Shape> shapes() {
        return shapes;
    }

    /** Runs every GEMM of the list, {@code count} times each. */
    public void run() {
        for (int i = 0; i < shapes.size(); i++) {
            Shape s = shapes.get(i);
            INDArray[] o = operands.get(i);
            for (int r = 0; r < s.count; r++) {
                Nd4j.gemm(o[0], o[1], o[2], s.transA, s.transB, 1.0, 0.0);
            }
        }
    }

    public double flops() {
        return shapes.stream().mapToDouble(Shape::flops).sum();
    }

    public int gemmCount() {
        return shapes.stream().mapToInt(Shape::count).sum();
    }

    List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Shape s : shapes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", s.what);
            m.put("m", s.m);
            m.put("n", s.n);
            m.put("k", s.k);
            m.put("op", (s.transA ? "T" : "N") + (s.transB ? "T" : "N"));
            m.put("b_order", String.valueOf(s.bOrder));
            m.put("count", s.count);
            out.add(m);
        }
        return out;
    }

    private static INDArray uniform(int rows, int cols, char order, long seed) {
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, order);
        // [-1, 1]: values that stay away from denormals, which would slow any kernel down (dl4j-lab.md §8).
        Nd4j.getExecutioner().exec(new UniformDistribution(a, -1, 1), Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return a;
    }
}
