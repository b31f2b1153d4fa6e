package ibc4j.parity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs every registered {@link ParityCheck} on every case of a golden manifest and collects a {@link ParityReport}.
 *
 * <p>Status rules, which the report depends on: a row is ✅ only when the check ran and returned at least one
 * result, all passing; it is ❌ when a tensor failed, the check threw, or it returned nothing; otherwise ⏳
 * (Java side missing, golden missing, or both). Goldens whose component has no registered check get a ⏳ row too,
 * so nothing the exporter wrote goes unmentioned.
 */
public final class ParityRunner {
    private final List<ParityCheck> checks;
    private final Map<String, Object> environment;

    /** A runner over {@code checks} that records {@code environment} (see {@link RunEnvironment#detect()}). */
    public ParityRunner(List<ParityCheck> checks, Map<String, Object> environment) {
        this.checks = List.copyOf(checks);
        this.environment = new LinkedHashMap<>(environment);
    }

    /** Runs all checks on all cases of {@code manifest}. */
    public ParityReport run(GoldenManifest manifest) {
        List<ParityRow> rows = new ArrayList<>();
        List<String> cases = manifest.cases().isEmpty() ? GoldenManifest.CASE_ORDER : manifest.cases();
        for (ParityCheck check : checks) {
            for (String c : cases) {
                rows.add(row(check, manifest, c));
            }
        }
        Set<String> registered = checks.stream().map(ParityCheck::component).collect(Collectors.toSet());
        for (GoldenEntry e : manifest.entries()) {
            if (!registered.contains(e.component())) {
                rows.add(new ParityRow(ParityStatus.PENDING, e.component(), e.caseName(), e.ibcSource(),
                        shapes(e), List.of(), "golden present but no Java check registered for this component", null));
            }
        }
        return new ParityReport(header(manifest), rows);
    }

    private ParityRow row(ParityCheck check, GoldenManifest manifest, String caseName) {
        Optional<GoldenEntry> entry = manifest.entry(check.component(), caseName);
        String source = entry.map(GoldenEntry::ibcSource).orElse(check.ibcSource());
        String shapes = entry.map(ParityRunner::shapes).orElse("-");
        if (entry.isEmpty() || !check.implemented()) {
            String note = entry.isEmpty() && !check.implemented() ? "no golden; Java side missing"
                    : entry.isEmpty() ? "no golden" : "Java side missing";
            return new ParityRow(ParityStatus.PENDING, check.component(), caseName, source, shapes, List.of(), note, null);
        }
        String key = entry.get().key();
        List<TensorResult> results;
        try {
            results = check.run(new Golden(manifest, entry.get()));
        } catch (Exception | AssertionError | LinkageError e) {
            // A crash is a failure of this row, not of the report: the other components still get checked.
            String text = key + ": check threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
            return new ParityRow(ParityStatus.FAIL, check.component(), caseName, source, shapes, List.of(),
                    "check threw " + e.getClass().getSimpleName(), text);
        }
        if (results == null || results.isEmpty()) {
            return new ParityRow(ParityStatus.FAIL, check.component(), caseName, source, shapes, List.of(),
                    "check compared no tensors", key + ": check compared no tensors");
        }
        Optional<TensorResult> failed = results.stream().filter(r -> !r.pass()).findFirst();
        String note = note(results, entry.get());
        return failed.map(f -> new ParityRow(ParityStatus.FAIL, check.component(), caseName, source, shapes, results,
                        note, f.text()))
                .orElseGet(() -> new ParityRow(ParityStatus.PASS, check.component(), caseName, source, shapes,
                        results, note, null));
    }

    /** How many tensors failed or passed, and which golden outputs the check left uncompared. */
    private static String note(List<TensorResult> results, GoldenEntry entry) {
        long failed = results.stream().filter(r -> !r.pass()).count();
        StringBuilder sb = new StringBuilder(failed > 0
                ? failed + " of " + results.size() + " tensors failed"
                : results.size() + " tensor" + (results.size() == 1 ? "" : "s") + " passed");
        Set<String> compared = new TreeSet<>();
        results.forEach(r -> compared.add(r.path().substring(r.path().lastIndexOf('/') + 1).replaceFirst("\\[.*$", "")));
        List<String> missed = entry.tensors().stream().filter(t -> t.role().equals("output"))
                .map(TensorSpec::name).filter(n -> !compared.contains(n)).toList();
        if (!missed.isEmpty()) {
            sb.append("; outputs not compared: ").append(String.join(", ", missed));
        }
        results.stream().map(TensorResult::note).filter(n -> !n.isEmpty()).forEach(n -> sb.append("; ").append(n));
        return sb.toString();
    }

    /** {@code inputs→outputs} shapes of a golden entry, e.g. {@code [4608,16],[4608,2]→[4608]}. */
    static String shapes(GoldenEntry e) {
        List<String> out = e.tensors().stream().filter(t -> t.role().equals("output"))
                .map(t -> Fmt.shape(t.shape())).toList();
        String outs = out.isEmpty() ? "-" : out.size() <= 4 ? String.join(",", out)
                : String.join(",", out.subList(0, 3)) + ",…(+" + (out.size() - 3) + ")";
        return TensorResult.inputShapes(e) + "→" + outs;
    }

    private Map<String, Object> header(GoldenManifest m) {
        Map<String, Object> h = new LinkedHashMap<>(environment);
        h.put("golden_dir", m.dir().toString());
        h.put("manifest_format", m.format());
        h.put("producer", m.producer());
        h.put("seeds", m.seedsByCase());
        return h;
    }
}
