package ibc4j.gin;

import java.util.List;

/**
 * Configs shipped inside the jar, found by gin's file lookup after the search paths: a file named
 * {@code <directory>/...} (after dropping any of the given leading prefixes) is the classpath resource
 * {@code <resourceRoot><directory>/...}. Lets a jar run its configs without a checkout; the composition root says
 * which.
 *
 * @param directory     the relative directory the bundled files live under, e.g. {@code configs/}
 * @param resourceRoot  the classpath root holding that directory, e.g. {@code /app/}
 * @param dropPrefixes  leading path components callers may put first (e.g. the repository's own name)
 */
public record BundledConfigs(String directory, String resourceRoot, List<String> dropPrefixes) {
    /** Nothing bundled. */
    public static final BundledConfigs NONE = new BundledConfigs("", "", List.of());

    public BundledConfigs {
        dropPrefixes = List.copyOf(dropPrefixes);
    }

    /** The classpath resource for {@code name}, or null when it is not under {@link #directory()}. */
    public String resource(String name) {
        if (directory.isEmpty()) {
            return null;
        }
        String n = name.replace('\\', '/');
        n = n.startsWith("./") ? n.substring(2) : n;
        for (String p : dropPrefixes) {
            if (n.startsWith(p)) {
                n = n.substring(p.length());
                break;
            }
        }
        return n.startsWith(directory) && !n.contains("..") ? resourceRoot + n : null;
    }
}
