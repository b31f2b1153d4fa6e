package ibc4j.cli;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.ConfigurableSpec;
import ibc4j.gin.GinException;
import ibc4j.gin.GinRegistry;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code describe NAME}: what gin knows about one configurable: its complete selector, IBC's source, whether
 * ibc4j implements it, and each parameter's Java type ("-" when not implemented), default and doc.
 */
public final class DescribeCommand {
    private DescribeCommand() {}

    static final String USAGE = "usage: ibc4j describe NAME   (a gin configurable, e.g. MLPEBM or train_eval)";

    /** Runs {@code describe} with the arguments after {@code describe}; returns 0, or 2 for an unknown name. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = Arrays.asList(args);
        rest = !rest.isEmpty() && rest.get(0).equals("describe") ? rest.subList(1, rest.size()) : rest;
        if (Main.asksForHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        if (rest.size() != 1) {
            err.println(USAGE);
            return 2;
        }
        ConfigurableSpec spec;
        try {
            spec = IbcConfigurables.registry().require(rest.get(0));
        } catch (GinException e) {
            err.println(e.getMessage());
            return 2;
        }
        out.print(describe(spec));
        out.flush();
        return 0;
    }

    /** The text {@code describe} prints for {@code spec}. */
    public static String describe(ConfigurableSpec spec) {
        StringBuilder sb = new StringBuilder();
        sb.append(spec.name()).append("  (").append(spec.selector()).append(")\n");
        if (spec.upstreamSource() != null) {
            sb.append("  IBC source: ").append(spec.upstreamSource()).append(", line ").append(spec.upstreamLine())
                    .append('\n');
        }
        String status = spec.implemented() ? "implemented" : "registered, not implemented";
        if (spec.module().equals("gin")) {
            status = "gin built-in";
        }
        sb.append("  status: ").append(status).append('\n');
        if (spec.javaType() != null) {
            sb.append("  Java: ").append(spec.javaType().getName()).append('\n');
        }
        if (spec.varkw()) {
            sb.append("  accepts any parameter name (**kwargs)\n");
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"parameter", "Java type", "default", "doc"});
        for (ConfigurableSpec.ParamSpec p : spec.params()) {
            rows.add(new String[] {p.name(), typeName(p.type()), p.defaultText(), doc(p)});
        }
        int[] width = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < 3; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        sb.append('\n');
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < 3; i++) {
                line.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
            }
            sb.append((line + r[3]).stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** The doc, then what a bound value must be: "hidden width [positive; at most 16 GiB for ...]". */
    private static String doc(ConfigurableSpec.ParamSpec p) {
        if (p.constraints().isEmpty()) {
            return p.doc();
        }
        String bounds = "[" + String.join("; ", p.constraints().stream().map(c -> c.describe()).toList()) + "]";
        return p.doc().isEmpty() ? bounds : p.doc() + " " + bounds;
    }

    private static String typeName(Type t) {
        if (t == null) {
            return "-";
        }
        return t.getTypeName().replaceAll("\\b[a-z][\\w]*(\\.[a-z][\\w]*)*\\.(?=[A-Z])", "");
    }
}
