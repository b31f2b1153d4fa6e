package ibc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The push and d4rl families: their agents come from their configs' bindings, their GEMM floors have the
 * config's shapes, and compare reads and sets their TF rows. No timing is asserted.
 */
class FamilyBenchTest {
    private static final List<String> TINY = List.of("train_eval.batch_size = 4",
            "ImplicitBCAgent.num_counter_examples = 3", "MLPEBM.width = 16", "MLPEBM.depth = 4",
            "IbcPolicy.num_action_samples = 8", "langevin_actions_given_obs.num_iterations = 3");

    @Test
    void pushIsBuiltFromItsConfig() {
        FamilySetup s = FamilySetup.create(BenchFamily.PUSH, List.of(), 20, 2);
        Map<String, Object> m = s.shape();
        assertEquals(512, m.get("batch"));
        assertEquals(256, m.get("counter_examples"));
        assertEquals(0, m.get("langevin_steps")); // uniform counter examples, DFO inference
        assertEquals(128, m.get("width"));
        assertEquals(16, m.get("depth"));
        assertEquals(16384, m.get("inference_samples"));
        assertEquals(false, m.get("spectral_norm"));
        assertEquals(false, m.get("grad_penalty"));
        assertTrue(s.policy().settings().useDfo());
        assertFalse(s.policy().settings().useLangevin());
        assertEquals(512 * 257, s.trainRows());
    }

    @Test
    void d4rlIsBuiltFromItsConfig() {
        FamilySetup s = FamilySetup.create(BenchFamily.D4RL, List.of(), 39, 28);
        Map<String, Object> m = s.shape();
        assertEquals(512, m.get("batch"));
        assertEquals(8, m.get("counter_examples"));
        assertEquals(100, m.get("langevin_steps"));
        assertEquals(512, m.get("width"));
        assertEquals(8, m.get("depth"));
        assertEquals(512, m.get("inference_samples"));
        assertEquals(true, m.get("spectral_norm"));
        assertEquals(true, m.get("grad_penalty"));
        assertTrue(s.policy().settings().optimizeAgain());
        assertEquals(0.5, s.agent().langevin().noiseScale(), 0.0);
    }

    @Test
    void floorsFollowTheDepth() {
        FamilySetup d4rl = FamilySetup.create(BenchFamily.D4RL, TINY, 5, 3);
        // chain: (depth − 1) = 3 W×W layers each way per step, 3 steps.
        List<GemmFloor.Shape> chain = FamilyWorkloads.langevin(d4rl).floor().shapes();
        assertEquals(List.of(9, 9), chain.stream().map(GemmFloor.Shape::count).toList());
        assertEquals(12, chain.get(0).m()); // B·n
        // training: the chain, forward/backward over every layer on B·(n+1) rows, and the penalty's.
        Workload train = FamilyWorkloads.trainStep(d4rl, false, FamilyWorkloads.Backward.KERNEL);
        List<GemmFloor.Shape> t = train.floor().shapes();
        assertEquals(List.of(9, 9, 4, 4, 4, 6, 3, 3), t.stream().map(GemmFloor.Shape::count).toList());
        assertEquals(16, t.get(2).m());
        assertEquals("kernel", train.shape().get("backward"));
        // inference: 2 chains (optimize_again) × 3 steps, and the final energies.
        List<GemmFloor.Shape> inf = FamilyWorkloads.inference(d4rl).floor().shapes();
        assertEquals(List.of(18, 18, 4), inf.stream().map(GemmFloor.Shape::count).toList());
        FamilySetup push = FamilySetup.create(BenchFamily.PUSH, TINY, 5, 2);
        // no chain, no penalty
        assertEquals(List.of(4, 4, 4), FamilyWorkloads.trainStep(push, false, FamilyWorkloads.Backward.GRAPH)
                .floor().shapes().stream().map(GemmFloor.Shape::count).toList());
        // DFO: 3 rounds of energies over N samples
        List<GemmFloor.Shape> dfo = FamilyWorkloads.inference(push).floor().shapes();
        assertEquals(1, dfo.size());
        assertEquals(12, dfo.get(0).count());
        assertEquals(8, dfo.get(0).m());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FamilyWorkloads.create("langevin", push, false, FamilyWorkloads.Backward.KERNEL));
        assertEquals("family push has no langevin benchmark; it has [train-step, inference]", e.getMessage());
    }

    @Test
    void abPartsTimeBothBackwardsAndRestoreTheKernel() {
        FamilySetup s = FamilySetup.create(BenchFamily.PUSH, TINY, 5, 2);
        Workload w = FamilyWorkloads.trainStep(s, true, FamilyWorkloads.Backward.AB);
        BenchRunner.Result r = BenchRunner.run(w, 0, 2);
        assertEquals(List.of("train step, kernel backward (alternated)",
                "train step, DL4J-graph backward (alternated)"), List.copyOf(r.parts().keySet()));
        assertEquals(3, r.parts().values().iterator().next().n()); // at least 3 alternated pairs
        assertTrue(s.net().kernelTrains());
        assertFalse(r.phases().isEmpty());
    }

    /** bench_tf.py's version-2 file with push and d4rl figures besides the particle's. */
    static String familiesJson() throws Exception {
        ObjectNode t = BenchCompareTest.tree();
        t.put("format_version", 2);
        ObjectNode fams = t.putObject("families");
        fams.set("push", new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
            {"gin_file": "ibc/configs/pushing_states/mlp_ebm.gin",
             "shape": {"family": "push", "batch": 512, "counter_examples": 256, "langevin_steps": 0, "width": 128,
                       "depth": 16, "obs_dim": 20, "action_dim": 2, "inference_samples": 16384,
                       "spectral_norm": false, "grad_penalty": false},
             "figures": {"train-step": {"ms": {"median": 3000.0, "min": 2900.0, "max": 3100.0, "n": 10},
                                        "cores_busy": {"median": 1.9, "min": 1.8, "max": 2.0, "n": 10}},
                         "inference": {"ms": {"median": 90.0, "min": 80.0, "max": 100.0, "n": 10}}}}
            """));
        fams.set("d4rl", new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
            {"shape": {"family": "d4rl", "batch": 512, "counter_examples": 8, "langevin_steps": 100, "width": 512,
                       "depth": 8, "obs_dim": 39, "action_dim": 28, "inference_samples": 512,
                       "spectral_norm": true, "grad_penalty": true},
             "figures": {"langevin": {"ms": {"median": 9000.0, "min": 8000.0, "max": 9500.0, "n": 10}},
                         "train-step": {"ms": {"median": 20000.0, "min": 19000.0, "max": 21000.0, "n": 10}},
                         "inference": {"ms": {"median": 2000.0, "min": 1900.0, "max": 2100.0, "n": 10}}}}
            """));
        return t.toString();
    }

    @Test
    void compareSetsEveryFamilysRowsBesideTf() throws Exception {
        TfBench tf = TfBench.parse(BenchCompareTest.FILE, familiesJson());
        assertEquals(List.of("push", "d4rl"), List.copyOf(tf.families().keySet()));
        assertEquals(List.of("langevin", "train-step", "inference", "push/train-step", "push/inference",
                "d4rl/langevin", "d4rl/train-step", "d4rl/inference"), Comparison.keys(tf));
        Map<String, Summary> ms = new LinkedHashMap<>();
        ms.put("gemm", new Summary(5.0, 4.0, 9.0, 30));
        for (String k : Comparison.keys(tf)) {
            ms.put(k, new Summary(1000.0, 900.0, 1100.0, 10));
        }
        Comparison c = Comparison.of(ms, BenchShapes.ibcParticle(), Map.of(), tf);
        assertEquals(8, c.rows().size());
        Comparison.Row push = c.rows().get(3);
        assertEquals("push/train-step", push.figure());
        assertEquals(3.0, push.ratio(), 1e-12); // TF 3000 / ibc4j 1000
        assertEquals(20.0, c.rows().get(6).ratio(), 1e-12);
        String table = c.format();
        assertTrue(table.contains("| push: training step, B = 512, n = 256, 128 × 16 | 1000.0 (900.0–1100.0) | "
                + "3000.0 (2900.0–3100.0) | 3.00 |"), table);
        assertTrue(table.contains("| d4rl: Langevin chain, 4096 samples × 100 steps, 512 × 8 SN |"), table);
        assertTrue(table.contains("| push: inference, 1 obs, 16384 samples, 128 × 16 |"), table);
        assertTrue(table.contains("TF push/train-step kept 1.90 cores busy"), table);
        assertEquals(8, new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(c.toMap()).get("rows").size());
        Map<String, Summary> noD4rl = new LinkedHashMap<>(ms);
        noD4rl.remove("d4rl/inference");
        assertEquals("no ibc4j figure for d4rl/inference", assertThrows(IllegalArgumentException.class,
                () -> Comparison.of(noD4rl, BenchShapes.ibcParticle(), Map.of(), tf)).getMessage());
    }

    @Test
    void familyShapesAreCheckedAgainstIbc4js() throws Exception {
        TfBench tf = TfBench.parse(BenchCompareTest.FILE, familiesJson());
        Map<String, Object> mine = new LinkedHashMap<>(tf.families().get("push").shape());
        assertTrue(tf.families().get("push").shapeMismatches(mine).isEmpty());
        mine.put("depth", 4);
        assertEquals(List.of("families.push.shape.depth: TF 16, ibc4j 4"),
                tf.families().get("push").shapeMismatches(mine));
    }

    @Test
    void particleMayBeAbsentInVersion2AndFamilyErrorsNameTheField() throws Exception {
        ObjectNode t = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(familiesJson());
        t.remove("shape");
        ObjectNode figs = (ObjectNode) t.get("figures");
        figs.remove(List.of("langevin", "train-step", "inference"));
        TfBench tf = TfBench.parse(BenchCompareTest.FILE, t.toString());
        assertFalse(tf.hasParticle());
        assertEquals("push/train-step", Comparison.keys(tf).get(0));
        assertTrue(tf.shapeMismatches(new BenchShapes(4, 2, 3, 16, 3, 2, 8)).isEmpty());

        ObjectNode v1 = BenchCompareTest.tree(); // version 1: the particle figures stay required
        v1.remove("shape");
        assertEquals("tf.json: missing field 'shape'", BenchCompareTest.message(v1.toString()));

        ObjectNode bad = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(familiesJson());
        ((ObjectNode) bad.get("families").get("push").get("figures")).remove("inference");
        assertEquals("tf.json: missing field 'families.push.figures.inference' (bench_tf.py run with --only?)",
                BenchCompareTest.message(bad.toString()));
        bad = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(familiesJson());
        ((ObjectNode) bad.get("families").get("d4rl").get("shape")).remove("depth");
        assertEquals("tf.json: missing field 'families.d4rl.shape.depth'", BenchCompareTest.message(bad.toString()));
        bad = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(familiesJson());
        ((ObjectNode) bad.get("families")).set("kitchen", bad.get("families").get("push"));
        assertTrue(BenchCompareTest.message(bad.toString()).contains(
                "field 'families.kitchen': unknown family 'kitchen'"));
    }
}
