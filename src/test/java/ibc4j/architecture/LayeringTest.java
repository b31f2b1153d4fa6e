package ibc4j.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ibc4j's layers, bottom to top; a package may use only the packages of layers below its own. Within one layer,
 * packages do not use each other (parity and bench, for example, are independent). The order mirrors how IBC's
 * modules build on each other: a pure gin library; run-time plumbing; environments and optimizers; data; the
 * normalizers computed from data; networks; losses (with ChainData, the chain record the gradient penalty
 * reads); the Langevin/DFO engine (IBC's agents/mcmc.py); agents; the agents' policies packaged as DL4J models; train; the one composition root that registers IBC's configurables; the tools; sweeps of the tools' runs.
 */
class LayeringTest {
    /** Each inner list is one layer; {@code ".."} includes subpackages. */
    static final List<List<String>> LAYERS = List.of(
            List.of("ibc4j.gin.."),
            List.of("ibc4j.runtime.."),
            List.of("ibc4j.optimizers.."),
            List.of("ibc4j.data.."),
            // IBC's envs: the particle env in Java and IBC's own envs in a Python child (its frames carry data's
            // TensorProto); collection writes data's records.
            List.of("ibc4j.environments.."),
            List.of("ibc4j.normalizers.."),
            List.of("ibc4j.networks.."),
            List.of("ibc4j.losses.."),
            List.of("ibc4j.agents.mcmc.."),
            List.of("ibc4j.agents"),
            List.of("ibc4j.agents.policy.."),
            List.of("ibc4j.train.."),
            List.of("ibc4j.configurables.."),
            List.of("ibc4j.parity..", "ibc4j.bench.."),
            List.of("ibc4j.cli.."),
            // ibc4j sweep: runs cli's commands in child JVMs (PointMain); its Spark layer is sweep.spark.
            List.of("ibc4j.sweep.."));

    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ibc4j");
    }

    @Test
    void everyProductPackageBelongsToALayer() {
        List<String> missing = new ArrayList<>();
        product.stream().map(c -> c.getPackageName()).distinct().sorted().forEach(p -> {
            boolean found = LAYERS.stream().flatMap(List::stream).anyMatch(l -> matches(l, p));
            if (!found) {
                missing.add(p);
            }
        });
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), missing,
                "packages outside every layer: add them to LAYERS at the right height");
    }

    @Test
    void packagesUseOnlyLowerLayers() {
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String pkg : LAYERS.get(i)) {
                List<String> forbidden = new ArrayList<>();
                for (int j = i; j < LAYERS.size(); j++) {
                    for (String other : LAYERS.get(j)) {
                        if (!other.equals(pkg) && !nested(pkg, other)) {
                            forbidden.add(other);
                        }
                    }
                }
                if (!forbidden.isEmpty()) {
                    noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat()
                            .resideInAnyPackage(forbidden.toArray(String[]::new))
                            .because(pkg + " sits below " + forbidden).check(product);
                }
            }
        }
    }

    @Test
    void noPackageCycles() {
        slices().matching("ibc4j.(**)").should().beFreeOfCycles().check(product);
    }

    /** Each top-level module with its subpackages as one: agents (with mcmc, policy) and losses may not loop. */
    @Test
    void noModuleCycles() {
        slices().matching("ibc4j.(*)..").should().beFreeOfCycles().check(product);
    }

    /** True when {@code other} is {@code pkg}'s own subpackage pattern (agents.mcmc is not agents). */
    private static boolean nested(String pkg, String other) {
        return pkg.endsWith("..") && other.startsWith(pkg.substring(0, pkg.length() - 2) + ".")
                && !pkg.equals("ibc4j.agents");
    }

    private static boolean matches(String layer, String pkg) {
        if (layer.endsWith("..")) {
            String base = layer.substring(0, layer.length() - 2);
            return pkg.equals(base) || pkg.startsWith(base + ".");
        }
        return pkg.equals(layer);
    }
}
