package ibc4j.gin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Small configurables the binder tests bind against; each returns or keeps what it was given. */
final class BinderFixtures {
    private BinderFixtures() {}

    /** A registry holding only these fixtures (and gin's built-ins). */
    static GinRegistry registry() {
        return new GinRegistry().register(Net.class).register(Fns.class).register(Dup1.class)
                .register(Dup2.class);
    }

    static GinConfig config(String text) {
        return new GinConfig(registry()).parse(text, "t.gin");
    }

    /** A network-like class with IBC-style defaults. */
    @Configurable(value = "Net", module = "test.nets")
    public static class Net {
        final int width;
        final double rate;
        final String activation;
        final List<Integer> layers;

        public Net(@Param(value = "width", dflt = "512", doc = "Hidden units.") int width,
                   @Param(value = "rate", dflt = "0.1") double rate,
                   @Param(value = "activation", dflt = "'relu'") String activation,
                   @Param(value = "layers", dflt = "(1, 2)") List<Integer> layers) {
            this.width = width;
            this.rate = rate;
            this.activation = activation;
            this.layers = layers;
        }
    }

    /** A subclass that inherits Net's binding, as IBC's ResNetPreActivationLayer inherits ResNetLayer's. */
    public static final class WideNet extends Net {
        public WideNet(@Param("width") int width, @Param("rate") double rate, @Param("activation") String activation,
                       @Param("layers") List<Integer> layers) {
            super(width * 2, rate, activation, layers);
        }
    }

    enum Activation { RELU, TANH }

    /** Functions standing for IBC's module-level configurables. */
    public static final class Fns {
        static final AtomicInteger COUNT = new AtomicInteger();

        @Configurable(value = "f", module = "test.fns")
        public static List<Object> f(@Param("x") Object x, @Param(value = "y", dflt = "None") Object y) {
            return Arrays.asList(x, y);
        }

        /** Counts its calls, so tests can see when {@code @counter()} is evaluated. */
        @Configurable(value = "counter", module = "test.fns")
        public static int counter(@Param(value = "start", dflt = "0") int start) {
            return start + COUNT.incrementAndGet();
        }

        /** Returns the scope it runs in, so tests can see which scope a reference used. */
        @Configurable(value = "where", module = "test.fns")
        public static String where(@Param(value = "tag", dflt = "'-'") String tag) {
            return GinConfig.current().currentScope() + ":" + tag;
        }

        @Configurable(value = "train_eval", module = "test.fns")
        public static List<Object> trainEval(@Param(value = "task", dflt = "None") String task,
                                             @Param(value = "batch_size", dflt = "512") int batchSize,
                                             @Param(value = "learning_rate", dflt = "1e-3") double learningRate) {
            return Arrays.asList(task, batchSize, learningRate);
        }

        @Configurable(value = "needs", module = "test.fns")
        public static List<Object> needs(@Param("obs_spec") Object obsSpec,
                                         @Param(value = "p", dflt = "%gin.REQUIRED") int p) {
            return Arrays.asList(obsSpec, p);
        }

        @Configurable(value = "act", module = "test.fns")
        public static Activation act(@Param("a") Activation a) {
            return a;
        }

        @Configurable(value = "types", module = "test.fns")
        public static List<Object> types(@Param(value = "n", dflt = "0") long n,
                                         @Param(value = "xs", dflt = "[]") double[] xs,
                                         @Param(value = "m", dflt = "{}") Map<String, Integer> m,
                                         @Param(value = "flag", dflt = "False") boolean flag) {
            List<Object> out = new ArrayList<>();
            out.add(n);
            out.add(xs);
            out.add(m);
            out.add(flag);
            return out;
        }

        /** Calls its handle twice: {@code @name} gives the configurable itself, bound at each call. */
        @Configurable(value = "twice", module = "test.fns")
        public static List<Object> twice(@Param("fn") ConfigurableHandle fn) {
            return Arrays.asList(fn.call(), fn.call());
        }
    }

    public static final class Dup1 {
        @Configurable(value = "dup", module = "m1")
        public static String dup(@Param(value = "p", dflt = "1") int p) {
            return "m1:" + p;
        }
    }

    public static final class Dup2 {
        @Configurable(value = "dup", module = "m2")
        public static String dup(@Param(value = "p", dflt = "2") int p) {
            return "m2:" + p;
        }
    }
}
