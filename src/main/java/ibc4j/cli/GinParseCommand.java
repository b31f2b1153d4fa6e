package ibc4j.cli;

import ibc4j.gin.GinConfigParser;
import ibc4j.gin.GinException;
import ibc4j.gin.GinJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ibc4j gin parse [--json] FILE...}: parses each file as gin would. With {@code --json}, one JSON line per
 * file in argument order; otherwise errors with their caret. Exit 0 if every file parsed, 2 if any failed.
 */
public final class GinParseCommand {
    private GinParseCommand() {}

    static final String USAGE = "usage: ibc4j gin parse [--json] FILE...";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Main.asksForHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        boolean json = false;
        List<String> files = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            } else if (a.startsWith("--")) {
                err.println("gin parse: unknown option " + a + " (" + USAGE + ")");
                return 2;
            } else {
                files.add(a);
            }
        }
        if (files.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        int status = 0;
        for (String f : files) {
            try {
                if (!Files.isRegularFile(Path.of(f))) {
                    throw new IOException("no such file");
                }
                var statements = GinConfigParser.parseFile(Path.of(f));
                if (json) {
                    out.println(GinJson.line(GinJson.statements(f, statements)));
                } else {
                    out.println(f + ": " + statements.size() + " statements");
                }
            } catch (GinException e) {
                status = 2;
                if (json) {
                    out.println(GinJson.line(GinJson.error(f, e)));
                } else {
                    err.println(e.getMessage());
                }
            } catch (IOException e) {
                status = 2;
                String msg = "cannot read " + f + ": " + e.getMessage();
                if (json) {
                    var node = GinJson.error(f, new GinException(null, msg));
                    out.println(GinJson.line(node));
                } else {
                    err.println(msg);
                }
            }
        }
        return status;
    }
}
