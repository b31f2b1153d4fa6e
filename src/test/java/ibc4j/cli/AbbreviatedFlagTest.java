package ibc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A flag is taken only by its whole name, as IBC's absl flags are: Commons CLI would otherwise complete a prefix
 * ({@code --thread 2} as {@code --threads}), so a typo could run with a flag the user did not mean.
 */
class AbbreviatedFlagTest {
    private final Commands cli = new Commands();

    @ParameterizedTest
    @CsvSource({"eval, --root_di=x", "export-policy, --overwrit", "collect, --tas=PUSH", "train, --gin_fil=x.gin",
            "synth-data, --episode=3", "parity, --form=json"})
    void aPrefixOfAFlagIsRefusedNotCompleted(String command, String flag) {
        assertEquals(2, cli.run(command, flag), cli.out());
        String name = flag.split("=")[0];
        assertTrue(cli.err().contains("Unrecognized option: " + name), cli.err());
    }

    @Test
    void benchRefusesAPrefixOfItsThreadsFlag() {
        ParseException e = assertThrows(ParseException.class,
                () -> BenchCommand.parse(new String[] {"gemm", "--thread", "2"}));
        assertTrue(e.getMessage().contains("Unrecognized option: --thread"), e.getMessage());
    }
}
