/**
 * Parity harness: compares what ibc4j computes with golden tensors exported from Google's TF IBC.
 *
 * <p>{@link ibc4j.parity.GoldenManifest} reads {@code golden/manifest.json}, {@link ibc4j.parity.Golden} hands out one
 * (component, case) and its {@code .npy} tensors, {@link ibc4j.parity.Comparison} applies the pass rule
 * {@code |a-e| <= atol + rtol*|e|}, and {@link ibc4j.parity.ParityRunner} turns the registered
 * {@link ibc4j.parity.ParityCheck}s ({@code ibc4j.parity.checks.ParityChecks.all()}) into a {@link ibc4j.parity.ParityReport}.
 */
package ibc4j.parity;
