package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ibc4j.bench.BenchFamily;
import ibc4j.bench.FamilyWorkloads;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ibc4j bench --family push|d4rl}, {@code --backward}, and compare over every family (tiny shapes). */
class BenchFamilyCommandTest {
    private static final List<String> TINY = List.of("--batch", "4", "--counter-examples", "2", "--steps", "3",
            "--width", "16", "--depth", "4", "--obs-dim", "3", "--action-dim", "2", "--samples", "8", "--warmup", "0",
            "--repeats", "2");

    @Test
    void familyOptionsBecomeTheConfigsBindings() throws ParseException {
        BenchCommand.Args a = BenchCommand.parse(new String[] {"train-step", "--family", "push"});
        assertEquals(BenchFamily.PUSH, a.family());
        assertEquals(List.of(), a.familyBindings());
        assertNull(a.obsDim());
        assertEquals(FamilyWorkloads.Backward.KERNEL, a.backward());
        a = BenchCommand.parse(new String[] {"inference", "--family", "d4rl", "--batch", "4", "--depth", "2",
            "--samples", "8", "--obs-dim", "5", "--backward", "graph"});
        assertEquals(List.of("train_eval.batch_size = 4", "MLPEBM.depth = 2", "IbcPolicy.num_action_samples = 8"),
                a.familyBindings());
        assertEquals(5, a.obsDim());
        assertEquals(FamilyWorkloads.Backward.GRAPH, a.backward());
        assertEquals(BenchFamily.PARTICLE, BenchCommand.parse(new String[] {"langevin"}).family());
        assertEquals(FamilyWorkloads.Backward.AB, BenchCommand.parse(new String[] {"train-step", "--backward",
            "ab"}).backward());
    }

    @Test
    void familyUsageErrorsSayWhy() {
        assertEquals("--family push has train-step, inference, not langevin", assertThrows(ParseException.class,
                () -> BenchCommand.parse(new String[] {"langevin", "--family", "push"})).getMessage());
        assertEquals("--family d4rl has langevin, train-step, inference, not gemm", assertThrows(
                ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "--family", "d4rl"}))
                .getMessage());
        assertTrue(assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"compare", "--tf-json",
            "t.json", "--family", "push"})).getMessage().contains("compare times every family its --tf-json holds"));
        assertEquals("--family: unknown family 'kitchen'; expected one of [particle, push, d4rl]",
                assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"train-step", "--family",
                    "kitchen"})).getMessage());
        assertEquals("--backward: unknown backward 'fast'; expected one of [kernel, graph, ab]",
                assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"train-step",
                    "--backward", "fast"})).getMessage());
        assertTrue(assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"train-step",
            "--depth", "4"})).getMessage().startsWith("--depth applies to --family push or d4rl"));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"train-step", "--family", "push",
            "--depth", "0"}));
    }

    private static String[] args(String... first) {
        List<String> a = new ArrayList<>(List.of(first));
        a.addAll(TINY);
        return a.toArray(String[]::new);
    }

    private static int run(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void d4rlTrainStepReportsItsShapeAndBothBackwards(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("d4rl.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = run(args("train-step", "--family", "d4rl", "--phases", "--backward", "ab", "--json",
                json.toString()), out, err);
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("bench train-step: d4rl: ImplicitBCAgent.train, B = 4, n = 2 (Langevin counter "
                + "examples, 3 steps), width 16 × depth 4, spectral norm"), report);
        assertTrue(report.contains("train step, DL4J-graph backward (alternated)"), report);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        JsonNode shape = j.get("shape");
        assertEquals("d4rl", shape.get("family").asText());
        assertEquals(4, shape.get("depth").asInt());
        assertEquals(3, shape.get("obs_dim").asInt());
        assertTrue(shape.get("spectral_norm").asBoolean());
        assertEquals("ab", shape.get("backward").asText());
        assertEquals(2, j.get("parts_ms").size());
        assertTrue(j.get("phases_ms").size() > 0);
        assertTrue(j.get("floor_gemms").size() > 0);
    }

    @Test
    void pushInferenceRuns(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = run(args("inference", "--family", "push", "--backward", "graph"), out, err);
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--backward applies to train-step only; ignored"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("push: IbcPolicy.inferNormalized for one "
                + "observation: 8 samples, iterative DFO, 3 rounds, width 16 × depth 4"), out.toString());
    }

    /** A version-2 tf-json at the TINY shapes for all three families. */
    private static String tinyTfJson() throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode t = (ObjectNode) m.readTree(ibc4j.bench.BenchCompareTest.tfJson());
        t.put("format_version", 2);
        t.set("shape", m.readTree("{\"batch\": 4, \"counter_examples\": 2, \"langevin_steps\": 3, \"width\": 16, "
                + "\"obs_dim\": 3, \"action_dim\": 2, \"inference_samples\": 8}"));
        String ms = "{\"ms\": {\"median\": 10.0, \"min\": 9.0, \"max\": 11.0, \"n\": 2}}";
        String shape = "\"batch\": 4, \"counter_examples\": 2, \"width\": 16, \"depth\": 4, \"obs_dim\": 3, "
                + "\"action_dim\": 2, \"inference_samples\": 8";
        ObjectNode fams = t.putObject("families");
        fams.set("push", m.readTree("{\"shape\": {" + shape + ", \"langevin_steps\": 0, \"spectral_norm\": false, "
                + "\"grad_penalty\": false}, \"figures\": {\"train-step\": " + ms + ", \"inference\": " + ms + "}}"));
        fams.set("d4rl", m.readTree("{\"shape\": {" + shape + ", \"langevin_steps\": 3, \"spectral_norm\": true, "
                + "\"grad_penalty\": true}, \"figures\": {\"langevin\": " + ms + ", \"train-step\": " + ms
                + ", \"inference\": " + ms + "}}"));
        return t.toString();
    }

    @Test
    void compareRunsEveryFamilyInTheTfJson(@TempDir Path dir) throws Exception {
        Path tf = dir.resolve("tf.json");
        Files.writeString(tf, tinyTfJson());
        Path json = dir.resolve("cmp.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = run(args("compare", "--tf-json", tf.toString(), "--json", json.toString()), out, err);
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        for (String row : List.of("| Langevin chain, 8 samples × 3 steps |", "| push: training step, B = 4, n = 2, "
                + "16 × 4 |", "| push: inference, 1 obs, 8 samples, 16 × 4 |", "| d4rl: Langevin chain, 8 samples × "
                + "3 steps, 16 × 4 SN |", "| d4rl: inference, 1 obs, 8 samples, 16 × 4 SN |",
                "ibc4j push training step by phase", "ibc4j d4rl training step by phase")) {
            assertTrue(table.contains(row), "lacks '" + row + "':\n" + table);
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(8, j.get("comparison").get("rows").size());
        assertTrue(j.get("ibc4j").has("d4rl/train-step"));

        // A family timed at other shapes is refused before anything is timed.
        ObjectNode other = (ObjectNode) new ObjectMapper().readTree(tinyTfJson());
        ((ObjectNode) other.get("families").get("push").get("shape")).put("depth", 16);
        Files.writeString(tf, other.toString());
        out.reset();
        err.reset();
        assertEquals(2, run(args("compare", "--tf-json", tf.toString()), out, err));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("families.push.shape.depth: TF 16, ibc4j 4"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
