package ibc4j.gin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds gin files for {@code --gin_file} and {@code include}; mirrors gin/config.py's parse_config_file, which
 * tries each search-path prefix in turn (the first being {@code ''}, the working directory).
 *
 * <p>Beyond gin: an include is also tried relative to the including file, and the registry's
 * {@link BundledConfigs} are found on the classpath, so a jar runs its shipped configs without a checkout.
 */
final class GinFiles {
    /** A file found: its identity (for include cycles) and its statements. */
    record Loaded(String identity, List<Statement> statements) {}

    private final List<Path> searchPaths = new ArrayList<>(List.of(Path.of("")));
    private final BundledConfigs bundled;

    GinFiles(BundledConfigs bundled) {
        this.bundled = bundled;
    }

    void addSearchPath(Path dir) {
        searchPaths.add(dir);
    }

    List<Path> searchPaths() {
        return List.copyOf(searchPaths);
    }

    /** Parses {@code name}; {@code includingDir} is null for {@code --gin_file}, {@code at} the include statement. */
    Loaded load(String name, Path includingDir, Location at) {
        List<Path> tried = new ArrayList<>();
        Path given = Path.of(name);
        if (given.isAbsolute()) {
            tried.add(Path.of(""));
        } else {
            tried.addAll(searchPaths);
            if (includingDir != null && !searchPaths.contains(includingDir)) {
                tried.add(includingDir);
            }
        }
        for (Path prefix : tried) {
            Path candidate = prefix.resolve(given);
            if (Files.isRegularFile(candidate)) {
                try {
                    return new Loaded(candidate.toAbsolutePath().normalize().toString(),
                            GinConfigParser.parseFile(candidate));
                } catch (IOException e) {
                    throw new GinException(at, "Unable to read file: " + candidate + ": " + e.getMessage());
                }
            }
        }
        String resource = bundled.resource(name);
        if (resource != null) {
            try (InputStream in = GinFiles.class.getResourceAsStream(resource)) {
                if (in != null) {
                    // Python's open() in text mode: universal newlines.
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace("\r\n", "\n").replace('\r', '\n');
                    return new Loaded("classpath:" + resource, GinConfigParser.parse(text, name));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Object> shown = new ArrayList<>();
        tried.forEach(p -> shown.add(p.toString()));
        throw new GinException(at, "Unable to open file: " + name + ". Searched config paths: "
                + PyValues.repr(shown) + ".");
    }
}
