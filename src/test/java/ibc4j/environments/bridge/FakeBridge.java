package ibc4j.environments.bridge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Options that start python/ibc4j_envs/fake_server.py with CI's plain python3. */
final class FakeBridge {
    private FakeBridge() {}

    static BridgeOptions options(String... extraArgs) {
        return new BridgeOptions("python3", null, BridgeOptions.FAKE_SERVER, List.of("PUSH"), List.of(extraArgs),
                Path.of("python").toAbsolutePath(), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    static BridgeEnv env(BridgeOptions o) {
        return new BridgeEnv(o, "PUSH", false, null, "oracle_push", List.of());
    }
}
