package ibc4j.parity;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One tensor of a golden entry as the manifest declares it: name, file, role, shape and dtype.
 *
 * @param name   tensor name, unique within its (component, case)
 * @param file   path relative to the golden directory, as written in the manifest
 * @param path   {@code file} resolved against the golden directory
 * @param role   {@code input}, {@code weight}, {@code noise} or {@code output}
 * @param shape  declared shape; for a {@code bytes} file (a TFRecord) it is {@code [size in bytes]}
 * @param dtype  float32, float64, int32, int64, bool, or bytes for a non-.npy file
 * @param extra  any other fields the exporter wrote (e.g. {@code format} of a bytes file), verbatim
 */
public record TensorSpec(String name, String file, Path path, String role, long[] shape, String dtype,
                         Map<String, Object> extra) {

    /** The roles the manifest may use. */
    public static final Set<String> ROLES = Set.of("input", "weight", "noise", "output");
    /** The dtypes the manifest may use: the .npy ones plus {@code bytes} for files that are not arrays. */
    public static final Set<String> DTYPES = Set.of("float32", "float64", "int32", "int64", "bool", "bytes");

    /** True for a .npy tensor, false for an opaque file such as a TFRecord. */
    public boolean isArray() {
        return !dtype.equals("bytes");
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Fmt.shape(shape) + " (" + role + ", " + file + ")";
    }
}
