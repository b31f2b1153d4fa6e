package ibc4j.environments.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ibc4j.data.DType;
import ibc4j.data.TensorValue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bridge protocol against the stdlib-only fake server: calls, specs, errors, stdout noise. */
class BridgeProtocolTest {
    @Test
    void servesSpecsResetStepOracleMetricsAndRender() {
        try (BridgeEnv env = FakeBridge.env(FakeBridge.options("--stdout_noise"))) {
            BridgeEnv.Specs s = env.open();
            assertEquals("BlockPush-v0", s.envName());
            assertEquals(java.util.List.of("block_orientation", "block_translation", "effector_target_translation",
                    "effector_translation", "target_orientation", "target_translation"),
                    java.util.List.copyOf(s.observation().keySet()));
            assertArrayEquals(new float[] {0.05f, -0.6f}, s.observation().get("effector_translation").minimum().floats());
            assertArrayEquals(new float[] {-0.1f}, s.action().minimum().floats());
            env.metricsReset(2);
            for (long seed = 0; seed < 2; seed++) {
                env.seed(seed);
                BridgeEnv.TimeStep ts = env.reset();
                assertEquals(0, ts.stepType());
                // Exact float32 transfer: the fake starts the effector at float32(0.3).
                assertArrayEquals(new float[] {0.3f, 0f}, ts.floatObservation().get("effector_translation"));
                int steps = 0;
                while (!ts.isLast()) {
                    float[] a = env.oracleAction();
                    ts = env.step(a);
                    steps++;
                }
                assertTrue(steps <= 5, "the fake's episodes end within 5 steps");
            }
            Map<String, Float> m = env.metrics();
            assertEquals(java.util.List.of("AverageReturn", "AverageEpisodeLength", "AverageFinalGoalDistance",
                    "AverageSuccessMetric"), java.util.List.copyOf(m.keySet()));
            assertTrue(m.get("AverageEpisodeLength") >= 1f && m.get("AverageEpisodeLength") <= 5f);
            TensorValue img = env.render();
            assertEquals(DType.UINT8, img.dtype());
            assertArrayEquals(new int[] {2, 3, 3}, img.shape());
        }
    }

    @Test
    void sameSeedSameEpisode() {
        try (BridgeEnv env = FakeBridge.env(FakeBridge.options())) {
            env.seed(7);
            float[] a = env.reset().floatObservation().get("target_translation");
            env.seed(7);
            assertArrayEquals(a, env.reset().floatObservation().get("target_translation"));
        }
    }

    @Test
    void aBadRequestIsAnErrorAndTheSessionGoesOn() {
        try (BridgeEnv env = FakeBridge.env(FakeBridge.options())) {
            env.reset();
            BridgeException e = assertThrows(BridgeException.class, () -> env.step(new float[] {0.1f, 0f, 0f}));
            assertFalse(e.isSetup());
            // the env discards a server after a failed call and starts a fresh one on the next
            assertEquals(0, env.reset().stepType());
        }
    }

    @Test
    void setupErrorIsReportedWithTheServersMessage() {
        BridgeException e = assertThrows(BridgeException.class,
                () -> BridgeProcess.start(FakeBridge.options("--setup_error", "Python package pybullet is missing")));
        assertTrue(e.isSetup());
        assertTrue(e.getMessage().contains("Python package pybullet is missing"), e.getMessage());
    }

    @Test
    void missingInterpreterIsASetupErrorNamingIt() {
        BridgeOptions o = FakeBridge.options();
        BridgeOptions missing = new BridgeOptions("/nonexistent/python3.11", null, o.module(), o.tasks(),
                o.extraArgs(), o.pythonDir(), o.startupTimeout(), o.callTimeout());
        BridgeException e = assertThrows(BridgeException.class, () -> BridgeProcess.start(missing));
        assertTrue(e.isSetup());
        assertTrue(e.getMessage().contains("/nonexistent/python3.11") && e.getMessage().contains("--python"),
                e.getMessage());
    }

    @Test
    void serverThatCannotImportItsPackageIsASetupError() {
        BridgeOptions o = FakeBridge.options();
        BridgeOptions wrongDir = new BridgeOptions(o.python(), null, o.module(), o.tasks(), o.extraArgs(),
                java.nio.file.Path.of("/nonexistent"), o.startupTimeout(), o.callTimeout());
        BridgeException e = assertThrows(BridgeException.class, () -> BridgeProcess.start(wrongDir));
        assertTrue(e.isSetup());
        assertTrue(e.getMessage().contains("No module named"), e.getMessage());
    }

    @Test
    void closeEndsTheChild() throws Exception {
        BridgeProcess p = BridgeProcess.start(FakeBridge.options());
        ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
        p.close();
        h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(h.isAlive());
        assertThrows(BridgeException.class, () -> p.call("ping", Map.of(), null, Duration.ofSeconds(1)));
    }
}
