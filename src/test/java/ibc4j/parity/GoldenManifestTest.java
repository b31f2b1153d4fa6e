package ibc4j.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Loading a synthetic manifest, and the error text for each way a manifest can be broken. */
class GoldenManifestTest {
    @TempDir
    Path dir;

    private SyntheticGolden twoCases() throws IOException {
        SyntheticGolden s = new SyntheticGolden(dir);
        s.entry("info_nce", "small3d", new float[] {1, 2});
        s.entry("info_nce", "particle2d", new float[] {3, 4});
        s.entry("mlp_ebm_forward", "particle2d", new float[] {5, 6});
        return s;
    }

    private String loadError(SyntheticGolden s) throws IOException {
        s.write();
        return assertThrows(GoldenException.class, () -> GoldenManifest.load(dir)).getMessage();
    }

    @Test
    void loadsEntriesTensorsParamsAndSeeds() throws IOException {
        GoldenManifest m = GoldenManifest.load(twoCases().write());
        assertEquals(List.of("particle2d", "small3d"), m.cases(), "known cases in CASE_ORDER, not file order");
        assertEquals("2.15.1", m.producerField("tensorflow"));
        Golden g = m.golden("info_nce", "particle2d");
        assertEquals("particle2d", g.caseName());
        assertEquals(2, g.intParam("batch"));
        assertEquals(1.0, g.doubleParam("temperature"));
        assertEquals(0, g.seeds().get("weights"));
        assertEquals(List.of("x"), g.tensorsWithRole("input").stream().map(TensorSpec::name).toList());
        INDArray y = g.tensor("y");
        assertArrayEquals(new float[] {3, 4}, y.toFloatVector());
        GoldenException e = assertThrows(GoldenException.class, () -> g.tensor("z"));
        assertTrue(e.getMessage().startsWith("info_nce/particle2d: no tensor 'z' in "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; it has [x, y]"), e.getMessage());
        assertTrue(m.verify().isEmpty(), m.verify().toString());
    }

    @Test
    void seedsThatDifferBetweenComponentsAreQualifiedNotMerged() throws IOException {
        Map<String, Object> s = GoldenManifest.load(twoCases().write()).seedsByCase().get("particle2d");
        assertEquals(0, s.get("weights"));
        assertEquals(8, s.get("info_nce.noise"));
        assertEquals(15, s.get("mlp_ebm_forward.noise"));
    }

    @Test
    void missingDirectoryAndManifest() throws IOException {
        Path none = dir.resolve("none");
        assertEquals("golden directory " + none + " does not exist (golden/export/export.py writes it; pass --golden DIR"
                + " to use another)", assertThrows(GoldenException.class, () -> GoldenManifest.load(none)).getMessage());
        String msg = assertThrows(GoldenException.class, () -> GoldenManifest.load(dir)).getMessage();
        assertTrue(msg.startsWith(dir.resolve("manifest.json") + " not found"), msg);
    }

    @Test
    void invalidJsonSaysWhere() throws IOException {
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": 1,\n \"components\": [");
        String msg = assertThrows(GoldenException.class, () -> GoldenManifest.load(dir)).getMessage();
        assertTrue(msg.startsWith(dir.resolve("manifest.json") + ": not valid JSON at line 2"), msg);
        assertTrue(msg.endsWith("(is the exporter still writing it?)"), msg);
    }

    @Test
    void missingOrBadFieldsNameTheirJsonPath() throws IOException {
        SyntheticGolden s = twoCases();
        ((ObjectNode) s.components.get(1).get("tensors").get(1)).remove("role");
        assertEquals(dir.resolve("manifest.json") + ": components[1].tensors[1]: missing field 'role'", loadError(s));

        s = twoCases();
        ((ObjectNode) s.components.get(0).get("tensors").get(0)).put("role", "target");
        assertEquals(dir.resolve("manifest.json") + ": components[0].tensors[0].role: 'target' is not one of input,"
                + " weight, noise, output", loadError(s));

        s = twoCases();
        ((ObjectNode) s.components.get(0).get("tensors").get(0)).putArray("shape").add(2).add("x");
        assertEquals(dir.resolve("manifest.json") + ": components[0].tensors[0].shape: must be an array of non-negative"
                + " integers, got [2,\"x\"]", loadError(s));

        s = twoCases();
        s.root.put("format", 2);
        assertEquals(dir.resolve("manifest.json") + ": format: format 2 is not supported; this ibc4j reads format 1",
                loadError(s));

        s = twoCases();
        ((ObjectNode) s.components.get(2)).put("case", "small3d");
        ((ObjectNode) s.components.get(2)).put("name", "info_nce");
        assertEquals(dir.resolve("manifest.json") + ": components[2]: duplicate entry for info_nce/small3d", loadError(s));
    }

    @Test
    void missingTensorFileAndEscapingPaths() throws IOException {
        SyntheticGolden s = twoCases();
        Files.delete(dir.resolve("info_nce/particle2d/x.npy"));
        assertEquals(dir.resolve("manifest.json") + ": components[1].tensors[0].file: tensor 'x' of info_nce/particle2d:"
                + " file info_nce/particle2d/x.npy does not exist", loadError(s));

        s = twoCases();
        ((ObjectNode) s.components.get(0).get("tensors").get(0)).put("file", "../x.npy");
        assertEquals(dir.resolve("manifest.json") + ": components[0].tensors[0].file: '../x.npy' must be a path inside"
                + " the golden directory", loadError(s));
    }

    @Test
    void headerThatDisagreesWithManifestIsCaughtByVerifyAndTensor() throws IOException {
        SyntheticGolden s = twoCases();
        ArrayNode shape = ((ObjectNode) s.components.get(1).get("tensors").get(1)).putArray("shape");
        shape.add(3);
        GoldenManifest m = GoldenManifest.load(s.write());
        assertEquals(List.of("info_nce/particle2d/y (info_nce/particle2d/y.npy): manifest says float32 [3], file has"
                + " float32 [2]"), m.verify());
        GoldenException e = assertThrows(GoldenException.class, () -> m.golden("info_nce", "particle2d").tensor("y"));
        assertEquals(dir.resolve("info_nce/particle2d/y.npy") + ": info_nce/particle2d/y: manifest says float32 [3],"
                + " file has float32 [2]", e.getMessage());
    }

    @Test
    void bytesFilesAreFilesNotArrays() throws IOException {
        SyntheticGolden s = twoCases();
        Files.write(dir.resolve("info_nce/particle2d/data.tfrecord"), new byte[] {1, 2, 3});
        ObjectNode t = SyntheticGolden.tensor((ArrayNode) s.components.get(1).get("tensors"), "tfrecord",
                "info_nce/particle2d/data.tfrecord", "input", new long[] {3}, "bytes");
        t.put("format", "tfrecord");
        GoldenManifest m = GoldenManifest.load(s.write());
        Golden g = m.golden("info_nce", "particle2d");
        assertEquals(dir.resolve("info_nce/particle2d/data.tfrecord"), g.file("tfrecord"));
        assertEquals("tfrecord", g.spec("tfrecord").extra().get("format"));
        GoldenException e = assertThrows(GoldenException.class, () -> g.tensor("tfrecord"));
        assertTrue(e.getMessage().endsWith("is a tfrecord file, not an array: use file(\"tfrecord\")"), e.getMessage());
        assertTrue(m.verify().isEmpty());
        t.putArray("shape").add(4);
        assertEquals(List.of("info_nce/particle2d/tfrecord (info_nce/particle2d/data.tfrecord): manifest says [4] bytes,"
                + " file has 3"), GoldenManifest.load(s.write()).verify());
    }
}
