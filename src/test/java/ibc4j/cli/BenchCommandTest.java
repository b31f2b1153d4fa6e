package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ibc4j.bench.BenchShapes;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ibc4j bench}: argument parsing, and the report and JSON fields, with tiny shapes (no timing asserted). */
class BenchCommandTest {
    private static final String[] TINY = {"--batch", "4", "--counter-examples", "2", "--steps", "3", "--width", "16",
        "--obs-dim", "3", "--action-dim", "2", "--samples", "8", "--warmup", "0", "--repeats", "2"};

    @Test
    void defaultsAreIbcsParticleConfig() throws ParseException {
        BenchCommand.Args a = BenchCommand.parse(new String[] {"langevin"});
        assertEquals("langevin", a.bench());
        assertEquals(BenchCommand.DEFAULT_WARMUP, a.warmup());
        assertEquals(BenchCommand.DEFAULT_REPEATS, a.repeats());
        assertNull(a.json());
        assertEquals(BenchShapes.ibcParticle(), a.shapes());
        assertEquals(4096, a.shapes().chainRows());
        assertEquals(4608, a.shapes().trainRows());
    }

    @Test
    void optionsAreParsed() throws ParseException {
        BenchCommand.Args a = BenchCommand.parse(new String[] {"train-step", "--warmup", "1", "--repeats", "12",
            "--json", "out/b.json", "--phases", "--steps", "7", "--width", "64"});
        assertEquals(1, a.warmup());
        assertEquals(12, a.repeats());
        assertEquals(Path.of("out/b.json"), a.json());
        assertTrue(a.phases());
        assertEquals(7, a.shapes().steps());
        assertEquals(64, a.shapes().width());
    }

    @Test
    void usageErrors() {
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"sgemm"}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "langevin"}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "--repeats", "x"}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "--repeats", "0"}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "--steps", "1"}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "--bogus"}));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = BenchCommand.run(new String[] {"nope"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown benchmark 'nope'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"langevin", "train-step", "inference", "gemm"})
    void reportAndJsonCarryTheFigures(String bench, @TempDir Path dir) throws Exception {
        Path json = dir.resolve("sub/" + bench + ".json");
        List<String> args = new java.util.ArrayList<>(List.of(bench, "--json", json.toString(), "--phases"));
        args.addAll(List.of(TINY));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = BenchCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        for (String line : List.of("call ms", "GEMM floor ms", "ratio call/floor", "cpu ms", "GFLOP/s", "peak RSS", "machine",
                "load average", "OMP_WAIT_POLICY=")) {
            assertTrue(report.contains(line), "report lacks '" + line + "':\n" + report);
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(bench, j.get("benchmark").asText());
        assertEquals(2, j.get("repeats").asInt());
        assertEquals(0, j.get("warmup").asInt());
        for (String f : List.of("ms", "floor_ms", "ratio", "cpu_ms", "floor_cpu_ms", "cpu_ratio")) {
            for (String s : List.of("median", "min", "max")) {
                // CPU time ticks with the scheduler: a tiny call's floor may register none, and the ratio is null.
                boolean nullable = f.equals("cpu_ratio");
                assertTrue(j.get(f).get(s).isNumber() || nullable && j.get(f).get(s).isNull(), f + "." + s);
            }
            assertEquals(2, j.get(f).get("n").asInt());
        }
        for (String f : List.of("ratio_of_medians", "useful_gflop", "gflops", "floor_gflop", "floor_gflops",
                "peak_rss_mib")) {
            assertTrue(j.get(f).isNumber() && j.get(f).asDouble() > 0, f + " = " + j.get(f));
        }
        assertTrue(j.get("floor_gemms").isArray() && j.get("floor_gemms").size() > 0);
        assertEquals(3, j.get("shape").get("langevin_steps").asInt());
        JsonNode m = j.get("machine");
        for (String f : List.of("cpu_model", "cores", "OMP_WAIT_POLICY", "load_average_before", "load_average_after",
                "java", "blas_jars")) {
            assertTrue(m.hasNonNull(f), "machine." + f);
        }
        assertEquals(bench.equals("train-step"), j.has("phases_ms"));
        if (bench.equals("train-step")) {
            assertEquals(7, j.get("phases_ms").size()); // sampling, langevin, forward, loss, backward, penalty, optimizer
        }
        if (bench.equals("langevin") || bench.equals("gemm")) {
            assertTrue(j.get("parts_ms").size() > 0);
        }
    }

    @Test
    void compareNeedsAUsableTfJsonAndFailsBeforeTimingAnything(@TempDir Path dir) throws Exception {
        BenchCommand.Args a = BenchCommand.parse(new String[] {"compare", "--tf-json", "t.json", "--repeats", "12"});
        assertEquals("compare", a.bench());
        assertEquals(Path.of("t.json"), a.tfJson());
        assertEquals(12, a.repeats());
        assertTrue(a.phases()); // compare always profiles the training step
        assertEquals(BenchShapes.ibcParticle(), a.shapes());
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"compare"}));
        assertThrows(ParseException.class, () -> BenchCommand.parse(new String[] {"gemm", "--tf-json", "t.json"}));

        Path missing = dir.resolve("missing.json");
        assertCompareFails(new String[] {"compare", "--tf-json", missing.toString()}, missing + ": no such file");
        Path bad = dir.resolve("bad.json");
        java.nio.file.Files.writeString(bad, ibc4j.bench.BenchCompareTest.tfJson().replace(
                "\"inference\": {\"ms\"", "\"inference\": {\"wall\""));
        assertCompareFails(new String[] {"compare", "--tf-json", bad.toString()},
                bad + ": missing field 'figures.inference.ms'");
        Path good = dir.resolve("good.json");
        java.nio.file.Files.writeString(good, ibc4j.bench.BenchCompareTest.tfJson());
        assertCompareFails(new String[] {"compare", "--tf-json", good.toString(), "--steps", "3"},
                "shape.langevin_steps: TF 100, ibc4j 3");
        assertCompareFails(new String[] {"compare"}, "compare needs --tf-json FILE");
    }

    private static void assertCompareFails(String[] args, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = BenchCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, rc, e);
        assertTrue(e.contains(message), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
