package ibc4j.parity;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One golden (component, case): its tensors, loaded safely from .npy, plus the parameters and seeds it was made with.
 *
 * <p>What a parity check receives. Typical use:
 * <pre>{@code
 * INDArray obs = g.tensor("obs");                   // role input, [4608,16] float32
 * int n = g.intParam("num_counter_examples");
 * INDArray expected = g.tensor("energies");         // role output
 * }</pre>
 */
public final class Golden {
    private final GoldenManifest manifest;
    private final GoldenEntry entry;

    Golden(GoldenManifest manifest, GoldenEntry entry) {
        this.manifest = manifest;
        this.entry = entry;
    }

    /** Loads {@code dir/manifest.json} and returns (component, case); mainly for one-off tests. */
    public static Golden load(Path dir, String component, String caseName) {
        return GoldenManifest.load(dir).golden(component, caseName);
    }

    public String component() {
        return entry.component();
    }

    public String caseName() {
        return entry.caseName();
    }

    /** The IBC function the exporter ran, as the manifest records it. */
    public String ibcSource() {
        return entry.ibcSource();
    }

    /** The manifest entry behind this golden. */
    public GoldenEntry entry() {
        return entry;
    }

    public GoldenManifest manifest() {
        return manifest;
    }

    /** Exporter parameters (batch, num_counter_examples, ...), JSON-typed. */
    public Map<String, Object> params() {
        return entry.params();
    }

    /** Seeds of the injected randomness, by purpose. */
    public Map<String, Object> seeds() {
        return entry.seeds();
    }

    /** The declared tensors with {@code role} (input, weight, noise or output), in manifest order. */
    public List<TensorSpec> tensorsWithRole(String role) {
        if (!TensorSpec.ROLES.contains(role)) {
            throw new IllegalArgumentException("role '" + role + "' is not one of input, weight, noise, output");
        }
        return entry.tensors().stream().filter(t -> t.role().equals(role)).toList();
    }

    /** The declaration of tensor {@code name}; the exception lists the names that exist. */
    public TensorSpec spec(String name) {
        return entry.tensor(name).orElseThrow(() -> new GoldenException(
                entry.key() + ": no tensor '" + name + "' in " + manifest.dir().resolve("manifest.json")
                        + "; it has " + entry.tensors().stream().map(TensorSpec::name).toList()));
    }

    /** True when the entry declares tensor {@code name}. */
    public boolean has(String name) {
        return entry.tensor(name).isPresent();
    }

    /**
     * Tensor {@code name} as a C-order INDArray of its file's dtype, after checking the .npy header and that its
     * dtype and shape match the manifest.
     */
    public INDArray tensor(String name) {
        TensorSpec t = spec(name);
        if (!t.isArray()) {
            throw new GoldenException(entry.key() + "/" + name + " (" + t.file() + ") is a "
                    + t.extra().getOrDefault("format", "bytes") + " file, not an array: use file(\"" + name + "\")");
        }
        String mismatch = GoldenManifest.mismatch(t, NpyHeader.read(t.path()));
        if (mismatch != null) {
            throw new GoldenException(t.path() + ": " + entry.key() + "/" + name + ": " + mismatch);
        }
        return Npy.read(t.path());
    }

    /** The file behind tensor {@code name}; for non-array files such as TFRecords. */
    public Path file(String name) {
        return spec(name).path();
    }

    /** An integer parameter; the exception names the entry and the value found. */
    public long longParam(String key) {
        Object v = param(key);
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new GoldenException(entry.key() + ": param '" + key + "' is not an integer: " + v);
        }
        return ((Number) v).longValue();
    }

    /** An integer parameter that fits an int. */
    public int intParam(String key) {
        return Math.toIntExact(longParam(key));
    }

    /** A numeric parameter as double. */
    public double doubleParam(String key) {
        Object v = param(key);
        if (!(v instanceof Number n)) {
            throw new GoldenException(entry.key() + ": param '" + key + "' is not a number: " + v);
        }
        return n.doubleValue();
    }

    /** A parameter as the JSON value Jackson made of it; throws when absent. */
    public Object param(String key) {
        if (!entry.params().containsKey(key)) {
            throw new GoldenException(entry.key() + ": no param '" + key + "'; it has " + entry.params().keySet());
        }
        return entry.params().get(key);
    }

    @Override
    public String toString() {
        return entry.key() + " (" + entry.ibcSource() + ")";
    }
}
