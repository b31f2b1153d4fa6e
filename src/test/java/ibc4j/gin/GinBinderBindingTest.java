package ibc4j.gin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storing bindings: later wins across files, includes and --gin_bindings; blocks; imports; search paths. */
class GinBinderBindingTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void laterBindingWinsWithinAFile() {
        GinConfig gin = BinderFixtures.config("Net.width = 1\nNet.width = 2\n");
        assertEquals(2, gin.make(BinderFixtures.Net.class).width);
    }

    @Test
    void laterWinsAcrossFilesIncludesAndBindings() throws IOException {
        write("base.gin", "Net.width = 1\nNet.rate = 0.5\nNet.activation = 'tanh'\n");
        write("a.gin", "include '" + dir.resolve("base.gin") + "'\nNet.width = 2\n");
        write("b.gin", "Net.rate = 0.25\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        gin.parseFilesAndBindings(List.of("a.gin", "b.gin"), List.of("Net.activation = 'elu'"));
        BinderFixtures.Net net = gin.make(BinderFixtures.Net.class);
        assertEquals(List.of(2, 0.25, "elu"), List.of(net.width, net.rate, net.activation));
        String op = gin.operativeConfigString(true);
        assertTrue(op.contains("# Set in bindings:1:\nNet.activation = 'elu'\n"), op);
        assertTrue(op.contains("# Set in " + dir.resolve("a.gin") + ":2:\nNet.width = 2\n"), op);
    }

    @Test
    void includeIsPastedWhereItStandsSoLaterLinesOverrideIt() throws IOException {
        write("inc.gin", "Net.width = 7\n");
        write("main.gin", "Net.width = 1\ninclude 'inc.gin'\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        gin.parseFile("main.gin");
        assertEquals(7, gin.make(BinderFixtures.Net.class).width);
    }

    @Test
    void includeResolvesRelativeToTheIncludingFileAfterTheSearchPaths() throws IOException {
        write("sub/inner.gin", "Net.width = 3\n");
        write("sub/outer.gin", "include 'inner.gin'\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry());
        gin.parseFile(dir.resolve("sub/outer.gin").toString());
        assertEquals(3, gin.make(BinderFixtures.Net.class).width);
    }

    @Test
    void missingIncludeNamesEveryPathTried() throws IOException {
        Path outer = write("outer.gin", "include 'nope.gin'\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry());
        GinException e = assertThrows(GinException.class, () -> gin.parseFile(outer.toString()));
        assertEquals(outer + ":1:1: Unable to open file: nope.gin. Searched config paths: ['', '" + dir
                + "'].\n    include 'nope.gin'\n    ^", e.getMessage());
        GinException top = assertThrows(GinException.class, () -> gin.parseFile("missing.gin"));
        assertEquals("Unable to open file: missing.gin. Searched config paths: [''].", top.getMessage());
    }

    @Test
    void includeCycleIsAnErrorNotARecursion() throws IOException {
        write("x.gin", "include 'y.gin'\n");
        write("y.gin", "include 'x.gin'\n");
        GinConfig gin = new GinConfig(BinderFixtures.registry()).addSearchPath(dir);
        GinException e = assertThrows(GinException.class, () -> gin.parseFile("x.gin"));
        assertEquals("Include cycle: x.gin -> y.gin -> x.gin.", e.rawMessage());
        assertEquals(dir.resolve("y.gin") + ":1:1", e.location().prefix());
    }

    @Test
    void blockBindsEachParameterOfItsConfigurable() {
        GinConfig gin = BinderFixtures.config("Net:\n  width = 9\n  activation = 'gelu'\n");
        BinderFixtures.Net net = gin.make(BinderFixtures.Net.class);
        assertEquals(List.of(9, "gelu"), List.of(net.width, net.activation));
    }

    @Test
    void moduleComponentsDisambiguate() {
        GinConfig gin = BinderFixtures.config("m1.dup.p = 3\nm2.dup.p = 4\n");
        assertEquals("m1:3", gin.call("m1.dup"));
        assertEquals("m2:4", gin.call("m2.dup"));
    }

    @Test
    void bindParameterAndQueryParameterMirrorGinsApi() {
        GinConfig gin = new GinConfig(BinderFixtures.registry());
        gin.bind("train/Net.width", BigInteger.TEN).bind("%LR", 0.5);
        assertEquals(BigInteger.TEN, gin.queryParameter("train/Net.width"));
        assertEquals(0.5, gin.queryParameter("%LR"));
        assertEquals(GinConfig.REQUIRED, gin.queryParameter("gin.REQUIRED"));
        GinBindingException none = assertThrows(GinBindingException.class, () -> gin.queryParameter("f.x"));
        assertEquals("Configurable 'f' has no bound parameters.", none.getMessage());
        GinBindingException param = assertThrows(GinBindingException.class,
                () -> gin.queryParameter("train/Net.rate"));
        assertEquals("Configurable 'Net' has no value bound for parameter 'rate'.", param.getMessage());
    }

    @Test
    void importsAreRecordedOnceAndEchoed() {
        GinConfig gin = BinderFixtures.config("import ibc.networks\nfrom ibc.agents import mcmc as m\n"
                + "import ibc.networks\nf.x = 1\n");
        gin.call("f");
        assertEquals("from ibc.agents import mcmc as m\nimport ibc.networks\n\n# Parameters for f:\n# "
                + "=".repeat(78) + "\nf.x = 1\nf.y = None\n", gin.operativeConfigString());
    }

    @Test
    void callReturnsWhatTheJavaMethodReturns() {
        GinConfig gin = BinderFixtures.config("f.x = 'a'\nf.y = [1, 2]\n");
        assertEquals(Arrays.asList("a", List.of(BigInteger.ONE, BigInteger.TWO)), gin.call("f", Map.of()));
    }
}
