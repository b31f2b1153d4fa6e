package ibc4j.cli;

/**
 * Test hook to run {@code ibc4j parity} before it is wired into {@link Main}: {@code java ... ibc4j.cli.ParityCommandMain
 * --golden DIR}. Exits with {@link ParityCommand#run(String[])}'s code.
 */
public final class ParityCommandMain {
    private ParityCommandMain() {}

    public static void main(String[] args) {
        System.exit(ParityCommand.run(args));
    }
}
