package ibc4j.sweep;

import ibc4j.configurables.IbcConfigurables;
import ibc4j.gin.GinException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code --grid 'NAME=V1,V2,...'}: a gin parameter and the values it takes, each a gin literal. Commas inside
 * quotes, brackets or parentheses belong to a value ({@code --grid "MLPEBM.layers='A','B'"} has two values).
 *
 * @param param gin's {@code [scope/]Configurable.parameter}
 * @param values the values as gin text, in the order given
 * @param arg the {@code --grid} argument, for error messages
 */
public record GridAxis(String param, List<String> values, String arg) implements Serializable {
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_][\\w.]*/)*[A-Za-z_][\\w.]*\\.[A-Za-z_]\\w*");
    /** Bindings the sweep itself sets for every point. */
    static final Set<String> RESERVED = Set.of("train_eval.root_dir", "train_eval.tag", "train_eval.add_time",
            "train_eval.seed", "train_eval.dataset_path");

    /**
     * The axis over whole configs: {@code --grid 'gin_file=a.gin,b.gin'} trains each point with the base
     * {@code --gin_file}s (if any) followed by its value's file, so methods with different networks and losses
     * (IBC's {@code mlp_ebm_langevin.gin} and {@code mlp_mse.gin}) share one sweep, its data and its plot.
     */
    public static final String GIN_FILE = "gin_file";

    public GridAxis {
        values = List.copyOf(values);
    }

    /** True for a {@code gin_file=PATH} binding of a point (a config file, not a gin binding). */
    public static boolean isGinFile(String binding) {
        return binding.startsWith(GIN_FILE + "=");
    }

    /**
     * How a point's binding is named in run dirs, plots and tables: as given, except a {@code gin_file} value,
     * which is named by its file name without {@code .gin} ({@code gin_file=mlp_mse}).
     */
    public static String label(String binding) {
        if (!isGinFile(binding)) {
            return binding;
        }
        String name = Path.of(binding.substring(GIN_FILE.length() + 1)).getFileName().toString();
        return GIN_FILE + "=" + (name.endsWith(".gin") ? name.substring(0, name.length() - 4) : name);
    }

    /** The binding of value {@code i}: {@code NAME=VALUE}. */
    public String binding(int i) {
        return param + "=" + values.get(i);
    }

    /** Parses one {@code --grid} argument; errors name it. */
    public static GridAxis parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw bad(arg, "expected NAME=V1,V2,..., e.g. --grid 'ParticleEnv.n_dim=2,4,8,16'");
        }
        String param = arg.substring(0, eq).trim();
        if (param.equals(GIN_FILE)) {
            return ginFiles(arg, split(arg, arg.substring(eq + 1)));
        }
        if (!PARAM.matcher(param).matches()) {
            throw bad(arg, "'" + param + "' is not a gin parameter name (Configurable.parameter, e.g. "
                    + "ParticleEnv.n_dim)");
        }
        if (RESERVED.contains(param)) {
            throw bad(arg, param + " is set by the sweep for each point"
                    + (param.equals("train_eval.seed") ? "; give seeds with --seeds 0,1,2" : ""));
        }
        List<String> values = split(arg, arg.substring(eq + 1));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v.isEmpty()) {
                throw bad(arg, "value " + (i + 1) + " is empty");
            }
            if (!seen.add(v)) {
                throw bad(arg, "value " + v + " appears twice");
            }
            try {
                // Parsed alone, so a typo is named with its --grid argument, not as one point's config error.
                IbcConfigurables.newGinConfig().parseBindings(List.of(param + " = " + v));
            } catch (GinException e) {
                throw bad(arg, "value " + v + ": " + e.getMessage());
            }
        }
        return new GridAxis(param, values, arg);
    }

    /** A {@code gin_file} axis: each value a config file that exists (made absolute: points run elsewhere). */
    private static GridAxis ginFiles(String arg, List<String> given) {
        List<String> values = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String v = given.get(i);
            if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.endsWith(v.substring(0, 1))) {
                v = v.substring(1, v.length() - 1);
            }
            if (v.isEmpty()) {
                throw bad(arg, "value " + (i + 1) + " is empty");
            }
            Path p = Path.of(v);
            if (!Files.isRegularFile(p)) {
                throw bad(arg, "gin file " + v + " does not exist (paths are relative to the current directory)");
            }
            String b = GIN_FILE + "=" + p.toAbsolutePath().normalize();
            if (!names.add(label(b))) {
                throw bad(arg, "two files are named " + label(b).substring(GIN_FILE.length() + 1)
                        + ".gin; points are named by the file name, so give them different names");
            }
            values.add(b.substring(GIN_FILE.length() + 1));
        }
        return new GridAxis(GIN_FILE, values, arg);
    }

    /** Splits on commas outside quotes, brackets, braces and parentheses. */
    private static List<String> split(String arg, String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < s.length()) {
                    cur.append(c).append(s.charAt(++i));
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth < 0) {
                    throw bad(arg, "unbalanced '" + c + "'");
                }
            } else if (c == ',' && depth == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        if (quote != 0) {
            throw bad(arg, "unterminated " + quote + " quote");
        }
        if (depth != 0) {
            throw bad(arg, "unbalanced brackets");
        }
        out.add(cur.toString().trim());
        return out;
    }

    static IllegalArgumentException bad(String arg, String why) {
        return new IllegalArgumentException("--grid '" + arg + "': " + why);
    }
}
