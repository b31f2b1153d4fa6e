package ibc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench compare's inputs and outputs: the tf-json bench_tf.py writes, the table and its JSON. No timing. */
public class BenchCompareTest {
    static final Path FILE = Path.of("tf.json");

    /** A minimal file as golden/export/bench_tf.py writes it: the fields compare reads and a few it ignores. */
    public static String tfJson() {
        return """
            {
              "format": "ibc4j-bench-tf",
              "format_version": 1,
              "producer": "golden/export/bench_tf.py",
              "shape": {"batch": 512, "counter_examples": 8, "langevin_steps": 100, "width": 256, "obs_dim": 16,
                        "action_dim": 2, "inference_samples": 512},
              "langevin_steps_counted": {"langevin": 100, "train-step": 100, "inference": 100},
              "machine": {"cpu_model": "Some CPU", "cpu_family_model": "6/207", "cores": 2, "cores_usable": 2,
                          "tensorflow": "2.15.1", "tf_agents": "0.19.0", "tf_intra_op_threads": 0,
                          "tf_inter_op_threads": 0, "onednn_enabled": true},
              "load_average_start": "0.50 0.40 0.30",
              "load_average_end": "1.50 0.60 0.35",
              "figures": {
                "gemm": {"ms": {"median": 2.5, "min": 2.0, "max": 8.0, "n": 30}},
                "langevin": {"description": "mcmc.langevin_actions_given_obs",
                             "ms": {"median": 1000.0, "min": 900.0, "max": 1200.0, "n": 10},
                             "cores_busy": {"median": 1.8, "min": 1.7, "max": 1.9, "n": 10},
                             "ms_samples": [1000.0]},
                "train-step": {"ms": {"median": 1600.0, "min": 1500.0, "max": 1700.0, "n": 10}},
                "inference": {"ms": {"median": 180.0, "min": 170.0, "max": 200.0, "n": 10}}
              }
            }
            """;
    }

    static ObjectNode tree() throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(tfJson());
    }

    static String message(String text) {
        return assertThrows(TfBench.FormatException.class, () -> TfBench.parse(FILE, text)).getMessage();
    }

    @Test
    void parsesWhatBenchTfWrites() throws Exception {
        TfBench tf = TfBench.parse(FILE, tfJson());
        assertEquals(TfBench.FIGURES, List.copyOf(tf.figures().keySet()));
        assertEquals(new Summary(1000, 900, 1200, 10), tf.figures().get("langevin").ms());
        assertEquals(1.8, tf.figures().get("langevin").coresBusy().median());
        assertNull(tf.figures().get("inference").coresBusy());
        assertEquals("mcmc.langevin_actions_given_obs", tf.figures().get("langevin").description());
        assertEquals("inference", tf.figures().get("inference").description());
        assertEquals(512, tf.shape().get("batch"));
        assertEquals("2.15.1", tf.machineField("tensorflow"));
        assertEquals("true", tf.machineField("onednn_enabled"));
        assertEquals("?", tf.machineField("nope"));
        assertEquals("0.50 0.40 0.30", tf.loadStart());
        assertTrue(tf.shapeMismatches(BenchShapes.ibcParticle()).isEmpty());
        assertEquals(List.of("shape.langevin_steps: TF 100, ibc4j 7"),
                tf.shapeMismatches(new BenchShapes(512, 8, 7, 256, 16, 2, 512)));
    }

    @Test
    void errorsNameTheFileAndTheField() throws Exception {
        assertTrue(message("{").startsWith("tf.json: not JSON"), message("{"));
        assertTrue(message("[1]").contains("expected a JSON object"));

        ObjectNode t = tree();
        t.put("format", "something-else");
        assertTrue(message(t.toString()).contains("field 'format' is 'something-else'"));
        t = tree();
        t.remove("format");
        assertTrue(message(t.toString()).contains("missing field 'format'"));
        t = tree();
        t.put("format_version", 3);
        assertTrue(message(t.toString()).contains("'format_version' is 3, this ibc4j reads 1 to 2"));

        t = tree();
        ((ObjectNode) t.get("figures")).remove("train-step");
        assertEquals("tf.json: missing field 'figures.train-step' (bench_tf.py run with --only?)",
                message(t.toString()));
        t = tree();
        ((ObjectNode) t.get("figures").get("langevin").get("ms")).remove("median");
        assertEquals("tf.json: missing field 'figures.langevin.ms.median'", message(t.toString()));
        t = tree();
        ((ObjectNode) t.get("figures").get("inference").get("ms")).put("max", "fast");
        assertTrue(message(t.toString()).contains("field 'figures.inference.ms.max' must be a positive number"));
        t = tree();
        ((ObjectNode) t.get("figures").get("gemm").get("ms")).put("min", 3.0);
        assertTrue(message(t.toString()).contains("'figures.gemm.ms': expected min <= median <= max"));
        t = tree();
        ((ObjectNode) t.get("figures").get("gemm").get("ms")).put("n", 0);
        assertTrue(message(t.toString()).contains("'figures.gemm.ms.n' must be an integer >= 1"));
        t = tree();
        ((ObjectNode) t.get("figures").get("langevin").get("cores_busy")).remove("max");
        assertTrue(message(t.toString()).contains("missing field 'figures.langevin.cores_busy.max'"));
        t = tree();
        ((ObjectNode) t.get("shape")).remove("width");
        assertEquals("tf.json: missing field 'shape.width'", message(t.toString()));
        t = tree();
        t.remove("machine");
        assertEquals("tf.json: missing field 'machine'", message(t.toString()));
        t = tree();
        t.put("figures", 3);
        assertEquals("tf.json: field is not an object: 'figures'", message(t.toString()));
    }

    @Test
    void missingOrUnreadableFileIsNamed(@TempDir Path dir) throws Exception {
        Path none = dir.resolve("absent.json");
        String m = assertThrows(TfBench.FormatException.class, () -> TfBench.read(none)).getMessage();
        assertTrue(m.startsWith(none + ": no such file"), m);
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, tfJson());
        assertEquals(ok, TfBench.read(ok).file());
    }

    static Comparison comparison() throws Exception {
        Map<String, Summary> ms = new LinkedHashMap<>();
        ms.put("gemm", new Summary(5.0, 4.0, 9.0, 30));
        ms.put("langevin", new Summary(500.0, 450.0, 700.0, 10));
        ms.put("train-step", new Summary(3200.0, 3000.0, 3500.0, 10));
        ms.put("inference", new Summary(180.0, 150.0, 190.0, 10));
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu_model", "Some CPU");
        machine.put("blas_jars", "openblas-x.jar");
        machine.put("load_average_start", "0.1 0.2 0.3");
        machine.put("load_average_end", "2.0 1.0 0.5");
        return Comparison.of(ms, BenchShapes.ibcParticle(), machine, TfBench.parse(FILE, tfJson()));
    }

    @Test
    void tableHasOneRowPerFigureAndTheRatioIsTfOverIbc4j() throws Exception {
        Comparison c = comparison();
        assertEquals(Comparison.FIGURES, c.rows().stream().map(Comparison.Row::figure).toList());
        assertEquals(2.0, c.rows().get(0).ratio(), 1e-12);  // TF 1000 / ibc4j 500: ibc4j faster
        assertEquals(0.5, c.rows().get(1).ratio(), 1e-12);  // TF 1600 / ibc4j 3200: TF faster
        assertEquals(1.0, c.rows().get(2).ratio(), 1e-12);
        String table = c.format();
        List<String> lines = table.lines().toList();
        assertEquals("| figure | ibc4j ms, median (min–max) | TF ms, median (min–max) | TF/ibc4j |", lines.get(0));
        assertEquals("| Langevin chain, 4096 samples × 100 steps | 500.0 (450.0–700.0) | 1000.0 (900.0–1200.0) "
                + "| 2.00 |", lines.get(2));
        assertEquals("| training step, B = 512, n = 8 | 3200.0 (3000.0–3500.0) | 1600.0 (1500.0–1700.0) | 0.50 |",
                lines.get(3));
        assertEquals("| inference, 1 obs, 512 samples × 100 steps | 180.0 (150.0–190.0) | 180.0 (170.0–200.0) "
                + "| 1.00 |", lines.get(4));
        assertEquals("| sgemm 4096×256·256×256 (context) | 5.00 (4.00–9.00) | 2.50 (2.00–8.00) | 0.50 |",
                lines.get(5));
        // 2·4096·256·256 flop = 0.537 GFLOP: 107.4 GFLOP/s at 5 ms, 214.7 at 2.5 ms.
        assertTrue(table.contains("ibc4j Nd4j.gemm 107.4 GFLOP/s (openblas-x.jar)"), table);
        assertTrue(table.contains("TF tf.linalg.matmul 214.7 GFLOP/s (oneDNN true)"), table);
        assertTrue(table.contains("TF langevin   kept 1.80 cores busy"), table);
        assertTrue(table.contains("load 0.1 0.2 0.3 -> 2.0 1.0 0.5"), table);
        assertTrue(table.contains("TF 2.15.1, tf-agents 0.19.0; intra-op 0 / inter-op 0"), table);
        assertTrue(table.contains("load 0.50 0.40 0.30 -> 1.50 0.60 0.35"), table);
    }

    @Test
    void jsonCarriesBothSidesAndTheRatios() throws Exception {
        JsonNode j = new ObjectMapper().valueToTree(comparison().toMap());
        assertEquals(3, j.get("rows").size());
        JsonNode r = j.get("rows").get(0);
        assertEquals("langevin", r.get("figure").asText());
        assertEquals(500.0, r.get("ibc4j_ms").get("median").asDouble());
        assertEquals(1200.0, r.get("tf_ms").get("max").asDouble());
        assertEquals(10, r.get("tf_ms").get("n").asInt());
        assertEquals(2.0, r.get("ratio_tf_over_ibc4j").asDouble(), 1e-12);
        JsonNode g = j.get("sgemm");
        assertEquals(List.of(4096, 256, 256), List.of(g.get("shape").get(0).asInt(), g.get("shape").get(1).asInt(),
                g.get("shape").get(2).asInt()));
        assertEquals(0.5, g.get("ratio_tf_over_ibc4j").asDouble(), 1e-12);
        assertEquals(214.7, g.get("tf_gflops").asDouble(), 0.05);
        assertEquals("tf.json", j.get("tf_json").asText());
        assertEquals("2.15.1", j.get("tf_machine").get("tensorflow").asText());
        assertEquals("0.1 0.2 0.3", j.get("ibc4j_machine").get("load_average_start").asText());
        assertEquals("1.50 0.60 0.35", j.get("tf_load_average").get("end").asText());
    }

    @Test
    void aMissingIbc4jFigureIsAnError() throws Exception {
        TfBench tf = TfBench.parse(FILE, tfJson());
        Map<String, Summary> ms = Map.of("gemm", new Summary(1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Comparison.of(ms, BenchShapes.ibcParticle(), Map.of(), tf));
    }
}
