package ibc4j.networks;

import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minimal reader for {@code golden/manifest.json} (written by golden/export/export.py) until the shared
 * {@code ibc4j.parity.Golden} harness lands: one (component, case) entry and its {@code .npy} tensors.
 */
final class GoldenDir {
    final File root;
    private final JsonNode manifest;

    private GoldenDir(File root, JsonNode manifest) {
        this.root = root;
        this.manifest = manifest;
    }

    /** The directory from system property {@code ibc4j.golden} (default {@code golden}), if it has a manifest. */
    static Optional<GoldenDir> fromSystemProperty() {
        File root = new File(System.getProperty("ibc4j.golden", "golden"));
        File m = new File(root, "manifest.json");
        if (!m.isFile()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new GoldenDir(root, new ObjectMapper().readTree(m)));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + m + ": " + e.getMessage(), e);
        }
    }

    /** The component entry for one case, if exported. */
    Optional<Entry> entry(String component, String caseName) {
        for (JsonNode c : manifest.path("components")) {
            if (c.path("name").asText().equals(component) && c.path("case").asText().equals(caseName)) {
                return Optional.of(new Entry(c));
            }
        }
        return Optional.empty();
    }

    final class Entry {
        final JsonNode json;

        Entry(JsonNode json) {
            this.json = json;
        }

        JsonNode params() {
            return json.path("params");
        }

        boolean has(String tensor) {
            return file(tensor) != null;
        }

        INDArray tensor(String name) {
            String rel = file(name);
            if (rel == null) {
                throw new IllegalArgumentException(json.path("name").asText() + "/" + json.path("case").asText()
                        + " has no tensor '" + name + "'");
            }
            return loadNpy(new File(root, rel));
        }

        /** Tensors of one role (e.g. "weight"), by manifest name, optionally with a name prefix removed. */
        Map<String, INDArray> tensors(String role, String prefix) {
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (JsonNode t : json.path("tensors")) {
                String n = t.path("name").asText();
                if (t.path("role").asText().equals(role) && n.startsWith(prefix)) {
                    out.put(n.substring(prefix.length()), loadNpy(new File(root, t.path("file").asText())));
                }
            }
            return out;
        }

        private String file(String name) {
            for (JsonNode t : json.path("tensors")) {
                if (t.path("name").asText().equals(name)) {
                    return t.path("file").asText();
                }
            }
            return null;
        }
    }

    /**
     * Loads a little-endian, C-order {@code .npy}. The header is checked first: libnd4j aborts the whole JVM on a
     * big-endian file and silently scrambles a Fortran-order one (dl4j-lab.md §2).
     */
    static INDArray loadNpy(File f) {
        String header;
        try (DataInputStream in = new DataInputStream(new FileInputStream(f))) {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if (magic[0] != (byte) 0x93 || magic[1] != 'N' || magic[2] != 'U') {
                throw new IllegalArgumentException(f + ": not an .npy file");
            }
            int len = magic[6] == 1 ? (in.readUnsignedByte() | in.readUnsignedByte() << 8)
                    : Integer.reverseBytes(in.readInt());
            byte[] h = new byte[len];
            in.readFully(h);
            header = new String(h, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
        if (!header.matches("(?s).*'descr':\\s*'<(f4|f8|i4|i8)'.*")) {
            throw new IllegalArgumentException(f + ": only little-endian f4/f8/i4/i8 are read, header "
                    + header.trim());
        }
        if (!header.matches("(?s).*'fortran_order':\\s*False.*")) {
            throw new IllegalArgumentException(f + ": Fortran-order .npy is not supported, header " + header.trim());
        }
        return Nd4j.createFromNpyFile(f);
    }
}
