package ibc4j.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** IBC's own test_data (google-research/ibc db89ddb), which CI has in shared/ beside the checkout. */
final class TestData {
    static final Path ROOT = Path.of("..", "shared", "ibc", "test_data");
    static final Path KITCHEN = ROOT.resolve("kitchen-complete-v0/kitchen-complete-v0_0.tfrecord");
    static final Path DOOR = ROOT.resolve("door-human-v0/door-human-v0_0.tfrecord");
    static final Path PUSH_SPEC = ROOT.resolve("PUSH/oracle_push_0.tfrecord.spec");
    static final Path PUSH_DISCONTINUOUS_SPEC =
            ROOT.resolve("PUSH_DISCONTINUOUS/oracle_discontinuous_push_0.tfrecord.spec");
    static final Path HALFCHEETAH_SPEC = ROOT.resolve("halfcheetah-expert-v0/halfcheetah-expert-v0_0.tfrecord.spec");

    private TestData() {
    }

    /** Skips the calling test when shared/ is not beside the checkout. */
    static Path require(Path p) {
        assumeTrue(Files.isRegularFile(p), "IBC test data not found at " + p.toAbsolutePath());
        return p;
    }
}
