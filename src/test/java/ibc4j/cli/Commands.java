package ibc4j.cli;

import java.io.PrintStream;
import java.util.List;

/** Runs a command by its CLI name in-process, with its output streams given (parity with no checks). */
final class Commands {
    private Commands() {}

    static int run(String command, PrintStream out, PrintStream err, String... args) {
        return switch (command) {
            case "eval" -> EvalCommand.run(args, out, err);
            case "export-policy" -> ExportPolicyCommand.run(args, out, err);
            case "collect" -> CollectCommand.run(args, out, err);
            case "train" -> TrainCommand.run(args, out, err);
            case "quickstart" -> QuickstartCommand.run(args, out, err);
            case "bench" -> BenchCommand.run(args, out, err);
            case "describe" -> DescribeCommand.run(args, out, err);
            case "gin parse" -> GinParseCommand.run(args, out, err);
            case "synth-data" -> SynthDataCommand.run(args, out, err);
            case "parity" -> ParityCommand.run(args, out, err, List.of());
            default -> throw new IllegalArgumentException(command);
        };
    }
}
