package ibc4j.parity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a small golden directory (manifest.json plus .npy files) inside a test's temp dir. These are harness
 * fixtures, not goldens: nothing here ever touches the real golden/ directory.
 */
final class SyntheticGolden {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path dir;
    final ObjectNode root = JSON.createObjectNode();
    final ArrayNode components;

    SyntheticGolden(Path dir) {
        this.dir = dir;
        root.put("format", 1);
        ObjectNode p = root.putObject("producer");
        p.put("ibc_repo", "google-research/ibc");
        p.put("ibc_commit", "db89ddbb852603fe9b64cf0f502b1fd3d6037d33");
        p.put("python", "3.11.9");
        p.put("tensorflow", "2.15.1");
        p.put("tf_agents", "0.19.0");
        p.put("tensorflow_probability", "0.23.0");
        p.put("numpy", "1.26.4");
        p.put("gin_config", "0.5.0");
        p.put("exporter_git", "abc1234");
        p.putArray("runtime_fixes").add("pybullet stubbed").add("legacy Adam");
        p.put("device", "cpu");
        p.put("dtype", "float32");
        components = root.putArray("components");
    }

    /** Adds an entry with one float32 input {@code x} [2,2] and one output {@code y} [2] with the given values. */
    ObjectNode entry(String name, String cas, float[] y) throws IOException {
        ObjectNode e = components.addObject();
        e.put("name", name);
        e.put("case", cas);
        e.put("ibc_source", "ibc/test.py:" + name);
        e.put("description", "synthetic");
        e.putObject("params").put("batch", 2).put("temperature", 1.0);
        e.putObject("seeds").put("weights", 0).put("noise", name.length());
        ArrayNode ts = e.putArray("tensors");
        NpyFiles.float32(dir.resolve(name + "/" + cas + "/x.npy"), new long[] {2, 2}, 1, 2, 3, 4);
        NpyFiles.float32(dir.resolve(name + "/" + cas + "/y.npy"), new long[] {y.length}, y);
        tensor(ts, "x", name + "/" + cas + "/x.npy", "input", new long[] {2, 2}, "float32");
        tensor(ts, "y", name + "/" + cas + "/y.npy", "output", new long[] {y.length}, "float32");
        return e;
    }

    static ObjectNode tensor(ArrayNode ts, String name, String file, String role, long[] shape, String dtype) {
        ObjectNode t = ts.addObject();
        t.put("name", name);
        t.put("file", file);
        t.put("role", role);
        ArrayNode s = t.putArray("shape");
        for (long d : shape) {
            s.add(d);
        }
        t.put("dtype", dtype);
        return t;
    }

    Path write() throws IOException {
        Files.writeString(dir.resolve("manifest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return dir;
    }
}
