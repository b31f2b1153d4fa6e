package ibc4j.networks.layers;

import ibc4j.gin.Configurable;
import ibc4j.gin.GinConfig;
import ibc4j.gin.Param;
import ibc4j.gin.PyValues;
import java.util.Map;

/**
 * The gin configurable {@code ResNetLayer} ({@code networks/layers/resnet.py}, IBC db89ddb). IBC's networks build
 * their ResNet layers themselves and pass the structural arguments; gin supplies only the parameters nobody passes,
 * of which ibc4j reads {@code normalizer} (and MLPEBM's own {@code activation}). {@link #resolve} reads the binding
 * once into the networks' typed configs; the trunks are built by {@link TrunkLayer#of}.
 */
public final class ResNetNormalizer {
    private ResNetNormalizer() {}

    /** What a {@code ResNetLayer} call resolves to here: the checked normalizer (null: None). */
    public record Bindings(String normalizer) {}

    /** {@code ResNetLayer.__init__}'s parameters; only {@code normalizer} and {@code make_weight_fn} are checked. */
    @Configurable("ResNetLayer")
    public static Bindings resNetLayer(
            @Param(value = "hidden_sizes", doc = "[width] * depth, passed by the network") Object hiddenSizes,
            @Param(value = "rate", doc = "dropout rate, passed by the network") Object rate,
            @Param(value = "kernel_initializer", doc = "passed by the network") Object kernelInitializer,
            @Param(value = "bias_initializer", doc = "passed by the network") Object biasInitializer,
            @Param(value = "dense", doc = "the dense layer class, passed by the network") Object dense,
            @Param(value = "activation", dflt = "'relu'", doc = "'relu' or 'swish' (MLPEBM passes its own)")
            String activation,
            @Param(value = "normalizer", dflt = "None", doc = "None, 'Batch' (Keras BatchNormalization()) or "
                    + "'Layer' (LayerNormalization(epsilon=1e-6)) before each activation of a block")
            String normalizer,
            @Param(value = "make_weight_fn", dflt = "None", doc = "only None (no IBC network passes one)")
            Object makeWeightFn) {
        if (makeWeightFn != null) {
            throw new UnsupportedOperationException("ResNetLayer.make_weight_fn = " + PyValues.repr(makeWeightFn)
                    + " is not implemented; only None (no IBC config binds it)");
        }
        return new Bindings(check(normalizer));
    }

    private static String check(String normalizer) {
        if (normalizer != null && !KerasNorm.KINDS.contains(normalizer)) {
            // resnet.py raises ValueError('Expected a different normalizer.') without the value.
            throw new IllegalArgumentException("ResNetLayer.normalizer = '" + normalizer + "' is not one of "
                    + KerasNorm.KINDS + " or None (IBC: 'Expected a different normalizer.')");
        }
        return normalizer;
    }

    /**
     * The normalizer a network with trunk {@code layers} gets from the current gin config: the binding for a ResNet
     * (IBC builds a ResNetLayer, which reads it), null for MLPDropout (no ResNetLayer call: nothing is read, and
     * the operative config does not list it) or without gin.
     */
    public static String bound(String layers) {
        return layers.startsWith("ResNet") ? resolve(GinConfig.currentOrNull()) : null;
    }

    /** {@code ResNetLayer.normalizer} as bound in {@code gin} (null: None, or built without gin). */
    public static String resolve(GinConfig gin) {
        if (gin == null) {
            return null; // built from Java: IBC's default None
        }
        Map<String, Object> a = gin.resolveArguments("ResNetLayer", Map.of());
        Object n = a.get("normalizer");
        if (n != null && !(n instanceof String)) {
            throw new IllegalArgumentException("ResNetLayer.normalizer = " + PyValues.repr(n) + " is not one of "
                    + KerasNorm.KINDS + " or None");
        }
        if (a.get("make_weight_fn") != null) {
            throw new UnsupportedOperationException("ResNetLayer.make_weight_fn = "
                    + PyValues.repr(a.get("make_weight_fn")) + " is not implemented; only None");
        }
        return check((String) n);
    }

    /** Refuses a normalizer binding for {@code what}, which builds its ResNet layers without one. */
    public static void requireNone(GinConfig gin, String what) {
        String n = resolve(gin);
        if (n != null) {
            throw new UnsupportedOperationException("ResNetLayer.normalizer = '" + n + "' is not implemented for "
                    + what + " (MLPEBM, MLPMSE and MLPMDN have it)");
        }
    }
}
