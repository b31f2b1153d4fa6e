package ibc4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs commands by their CLI names in-process and keeps what they print (parity with no checks). */
final class Commands {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String command, String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        return switch (command) {
            case "eval" -> EvalCommand.run(args, o, e);
            case "export-policy" -> ExportPolicyCommand.run(args, o, e);
            case "collect" -> CollectCommand.run(args, o, e);
            case "train" -> TrainCommand.run(args, o, e);
            case "quickstart" -> QuickstartCommand.run(args, o, e);
            case "bench" -> BenchCommand.run(args, o, e);
            case "describe" -> DescribeCommand.run(args, o, e);
            case "gin parse" -> GinParseCommand.run(args, o, e);
            case "synth-data" -> SynthDataCommand.run(args, o, e);
            case "parity" -> ParityCommand.run(args, o, e, List.of());
            default -> throw new IllegalArgumentException(command);
        };
    }

    /** Everything printed to stdout so far. */
    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything printed to stderr so far. */
    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
