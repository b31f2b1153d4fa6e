package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code describe NAME}: one configurable's selector, IBC source, status and parameters. */
class DescribeCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return DescribeCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void describesAnIbcConfigurable() {
        assertEquals(0, run("describe", "DenseResnetValue"));
        assertEquals("DenseResnetValue  (ibc.networks.layers.dense_resnet_value.DenseResnetValue)\n"
                + "  IBC source: networks/layers/dense_resnet_value.py:DenseResnetValue.__init__, line 25\n"
                + "  status: implemented\n"
                + "  Java: ibc4j.networks.pixel.DenseResnetValue\n"
                + "\n"
                + "  parameter   Java type  default  doc\n"
                + "  width       int        512      hidden width (blocks: width // 4 inside) [positive]\n"
                + "  num_blocks  int        2        residual blocks\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void describesARegisteredButNotPortedConfigurable() {
        assertEquals(0, run("describe", "BlockPush"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  status: registered, not implemented\n"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void showsRequiredAndNonLiteralDefaults() {
        assertEquals(0, run("BlockPush"));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.contains("  task                 -          BlockTaskVariant.PUSH\n"), o);
        out.reset();
        assertEquals(0, run("ResNetLayer")); // ported: its normalizer reaches MLPEBM / MLPMSE / MLPMDN
        String r = out.toString(StandardCharsets.UTF_8);
        assertTrue(r.contains("  status: implemented\n"), r);
        assertTrue(r.lines().anyMatch(l -> l.matches("  hidden_sizes +Object +\\(required\\) .*")), r);
        assertTrue(r.lines().anyMatch(l -> l.matches("  normalizer +String +None +.*'Batch'.*")), r);
    }

    @Test
    void theMdnNetworkAndAgentAreImplemented() {
        for (String name : new String[] {"MLPMDN", "MdnBehavioralCloningAgent"}) {
            out.reset();
            assertEquals(0, run(name));
            String o = out.toString(StandardCharsets.UTF_8);
            assertTrue(o.contains("  status: implemented\n"), o);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).lines()
                .anyMatch(l -> l.matches("  cloning_network +MLPMDN +\\(required\\) +the MLPMDN")));
    }

    @Test
    void showsWhatABoundValueMustBe() {
        assertEquals(0, run("MLPEBM"));
        String o = out.toString(StandardCharsets.UTF_8);
        assertTrue(o.lines().anyMatch(l -> l.matches("  width +int +512 +hidden width \\[positive; at most 16 GiB "
                + "for one width x width float32 kernel]")), o);
        assertTrue(o.lines().anyMatch(l -> l.matches(
                "  rate +double +0\\.1 +dropout rate \\(training only\\) \\[in \\[0, 1\\)]")), o);
    }

    @Test
    void unknownNameSuggestsAndExitsTwo() {
        assertEquals(2, run("MLPEMB"));
        assertEquals("No configurable matching 'MLPEMB'.\n  did you mean 'MLPEBM'?\n",
                err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        assertEquals(2, run("a", "b"));
    }
}
